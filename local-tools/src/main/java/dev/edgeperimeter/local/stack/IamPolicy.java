package dev.edgeperimeter.local.stack;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Evaluates the IAM policy a Lambda authorizer returns against one request's {@code methodArn},
 * as API Gateway does: an explicit {@code Deny} on a matching statement wins, then a matching
 * {@code Allow}; otherwise the request is implicitly denied. A statement matches when one of its
 * {@code Action}s matches {@code execute-api:Invoke} (case-insensitive) and one of its
 * {@code Resource}s matches the ARN (case-sensitive); {@code *} matches any run of characters and
 * {@code ?} exactly one, in both. {@code NotAction}/{@code NotResource} and {@code Condition} are
 * not supported: a statement using them is a malformed policy.
 */
public final class IamPolicy {
  /** The outcome of evaluating a policy. */
  public enum Effect { ALLOW, EXPLICIT_DENY, IMPLICIT_DENY }

  private static final String ACTION = "execute-api:Invoke";

  private IamPolicy() {
  }

  /**
   * @throws IllegalArgumentException when the document is not a policy API Gateway accepts
   */
  public static Effect evaluate(JsonNode policyDocument, String methodArn) {
    if (policyDocument == null || !policyDocument.isObject()) {
      throw new IllegalArgumentException("policyDocument is missing or not an object");
    }
    JsonNode statements = policyDocument.get("Statement");
    List<JsonNode> list = new ArrayList<>();
    if (statements != null && statements.isArray()) {
      statements.forEach(list::add);
    } else if (statements != null && statements.isObject()) {
      list.add(statements);
    } else {
      throw new IllegalArgumentException("policyDocument.Statement is missing");
    }
    boolean allowed = false;
    for (JsonNode s : list) {
      if (s.has("NotAction") || s.has("NotResource") || s.has("Condition")) {
        throw new IllegalArgumentException("NotAction, NotResource and Condition are not supported here");
      }
      String effect = text(s.get("Effect"), "Effect");
      boolean matches = anyMatches(s.get("Action"), ACTION, true, "Action")
          && anyMatches(s.get("Resource"), methodArn, false, "Resource");
      if (!matches) {
        continue;
      }
      if (effect.equals("Deny")) {
        return Effect.EXPLICIT_DENY;
      } else if (effect.equals("Allow")) {
        allowed = true;
      } else {
        throw new IllegalArgumentException("Effect must be Allow or Deny");
      }
    }
    return allowed ? Effect.ALLOW : Effect.IMPLICIT_DENY;
  }

  private static boolean anyMatches(JsonNode patterns, String value, boolean ignoreCase, String field) {
    if (patterns == null) {
      throw new IllegalArgumentException(field + " is missing");
    }
    if (patterns.isTextual()) {
      return matches(patterns.asText(), value, ignoreCase);
    }
    if (patterns.isArray()) {
      for (JsonNode p : patterns) {
        if (matches(text(p, field), value, ignoreCase)) {
          return true;
        }
      }
      return false;
    }
    throw new IllegalArgumentException(field + " must be a string or an array of strings");
  }

  private static String text(JsonNode node, String field) {
    if (node == null || !node.isTextual()) {
      throw new IllegalArgumentException(field + " must be a string");
    }
    return node.asText();
  }

  /** IAM wildcard matching: {@code *} any run (also empty), {@code ?} one character. */
  public static boolean matches(String pattern, String value, boolean ignoreCase) {
    String p = ignoreCase ? pattern.toLowerCase(Locale.ROOT) : pattern;
    String v = ignoreCase ? value.toLowerCase(Locale.ROOT) : value;
    int pi = 0;
    int vi = 0;
    int star = -1;
    int mark = 0;
    while (vi < v.length()) {
      if (pi < p.length() && (p.charAt(pi) == '?' || p.charAt(pi) == v.charAt(vi))) {
        pi++;
        vi++;
      } else if (pi < p.length() && p.charAt(pi) == '*') {
        star = pi++;
        mark = vi;
      } else if (star >= 0) {
        pi = star + 1;
        vi = ++mark;
      } else {
        return false;
      }
    }
    while (pi < p.length() && p.charAt(pi) == '*') {
      pi++;
    }
    return pi == p.length();
  }
}
