package dev.edgeperimeter.authorizer.policy;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An {@code execute-api} method ARN as API Gateway sends it ({@code methodArn} or {@code routeArn}):
 * {@code arn:PARTITION:execute-api:REGION:ACCOUNT:API_ID/STAGE/METHOD/PATH...}.
 *
 * <p>Every resource of the answered policy starts with this ARN's {@link #base()}, so the base must
 * name exactly one API stage: a partition, region, 12-digit account, API id and stage of the
 * characters API Gateway uses, none of them empty and none holding an IAM wildcard ({@code *} or
 * {@code ?}), which would widen the policy to other accounts, APIs or stages. Anything else is not a
 * method ARN ({@link #parse} returns {@code null}) and the request is answered Unauthorized.
 *
 * @param base   {@code arn:PARTITION:execute-api:REGION:ACCOUNT:API_ID/STAGE}
 * @param method the HTTP method part
 * @param path   the resource path with a leading {@code /} ({@code /} for the root)
 */
public record MethodArn(String base, String method, String path) {
  /**
   * The whole ARN in one pattern: partition, region, 12-digit account, API id, stage and method of
   * the characters API Gateway uses (no IAM wildcard can match), then the resource path, if any.
   */
  private static final Pattern ARN = Pattern.compile(
      "(arn:aws(?:-[a-z]+)*:execute-api:[a-z]{2,}(?:-[a-z]+)+-\\d{1,2}:\\d{12}:[A-Za-z0-9]{1,64}/(?:\\$default|[A-Za-z0-9_-]{1,128}))"
          + "/([A-Z]{1,16}|\\$default)(/.*)?", Pattern.DOTALL);

  /** Parses a method ARN; returns {@code null} when it is not a well-formed one for a single API stage. */
  public static MethodArn parse(String arn) {
    if (arn == null || arn.length() > 2048) {
      return null;
    }
    Matcher m = ARN.matcher(arn);
    if (!m.matches()) {
      return null;
    }
    return new MethodArn(m.group(1), m.group(2), m.group(3) == null ? "/" : m.group(3));
  }

  /** The resource ARN for {@code method} and {@code path} ({@code path} starting with {@code /}). */
  public String resource(String resourceMethod, String resourcePath) {
    return base + "/" + resourceMethod + resourcePath;
  }

  /** This ARN's own resource. */
  public String resource() {
    return resource(method, path);
  }
}
