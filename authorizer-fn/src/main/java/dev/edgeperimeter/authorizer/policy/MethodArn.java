package dev.edgeperimeter.authorizer.policy;


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
  private static final String PREFIX = "arn:";
  private static final String SERVICE = ":execute-api:";
  private static final String DEFAULT = "$default";

  /**
   * Parses a method ARN (at most 2048 characters); returns {@code null} when it is not a
   * well-formed one for a single API stage. The grammar, checked field by field without a regex on
   * the hot path ({@code MethodArnGrammarTest} holds it as a regex and compares):
   * {@code arn:aws(-[a-z]+)*:execute-api:[a-z]{2,}(-[a-z]+)+-[0-9]{1,2}:[0-9]{12}:}
   * {@code [A-Za-z0-9]{1,64}/($default|[A-Za-z0-9_-]{1,128})/([A-Z]{1,16}|$default)(/.*)?}
   */
  public static MethodArn parse(String arn) {
    if (arn == null || arn.length() > 2048 || !arn.startsWith(PREFIX)) {
      return null;
    }
    int partitionEnd = arn.indexOf(':', PREFIX.length());
    if (partitionEnd < 0 || !partition(arn, PREFIX.length(), partitionEnd) || !arn.startsWith(SERVICE, partitionEnd)) {
      return null;
    }
    int regionStart = partitionEnd + SERVICE.length();
    int regionEnd = arn.indexOf(':', regionStart);
    int accountEnd = regionEnd < 0 ? -1 : arn.indexOf(':', regionEnd + 1);
    if (accountEnd < 0 || !region(arn, regionStart, regionEnd) || !account(arn, regionEnd + 1, accountEnd)) {
      return null;
    }
    int apiEnd = arn.indexOf('/', accountEnd + 1);
    int stageEnd = apiEnd < 0 ? -1 : arn.indexOf('/', apiEnd + 1);
    if (stageEnd < 0 || !apiId(arn, accountEnd + 1, apiEnd) || !stage(arn, apiEnd + 1, stageEnd)) {
      return null;
    }
    int methodEnd = arn.indexOf('/', stageEnd + 1);
    String method = arn.substring(stageEnd + 1, methodEnd < 0 ? arn.length() : methodEnd);
    if (!method(method)) {
      return null;
    }
    return new MethodArn(arn.substring(0, stageEnd), method, methodEnd < 0 ? "/" : arn.substring(methodEnd));
  }

  /** {@code [0-9]{12}}. */
  private static boolean account(String s, int from, int to) {
    return to - from == 12 && all(s, from, to, MethodArn::digit);
  }

  /** {@code [A-Za-z0-9]{1,64}}. */
  private static boolean apiId(String s, int from, int to) {
    return sized(to - from, 1, 64) && all(s, from, to, MethodArn::alnum);
  }

  /** {@code $default|[A-Za-z0-9_-]{1,128}}. */
  private static boolean stage(String s, int from, int to) {
    return to - from == DEFAULT.length() && s.startsWith(DEFAULT, from)
        || sized(to - from, 1, 128) && all(s, from, to, MethodArn::stageChar);
  }

  /** {@code [A-Z]{1,16}|$default}. */
  private static boolean method(String m) {
    return m.equals(DEFAULT) || sized(m.length(), 1, 16) && all(m, 0, m.length(), c -> c >= 'A' && c <= 'Z');
  }

  /** {@code aws(-[a-z]+)*}. */
  private static boolean partition(String s, int from, int to) {
    if (!s.startsWith("aws", from)) {
      return false;
    }
    return to == from + 3 || s.charAt(from + 3) == '-' && letterSegments(s, from + 4, to);
  }

  /** {@code [a-z]{2,}(-[a-z]+)+-[0-9]{1,2}}. */
  private static boolean region(String s, int from, int to) {
    int lastDash = s.lastIndexOf('-', to - 1);
    int firstDash = s.indexOf('-', from);
    if (lastDash < from || firstDash < from + 2 || firstDash == lastDash || !sized(to - lastDash - 1, 1, 2)
        || !all(s, lastDash + 1, to, MethodArn::digit) || !all(s, from, firstDash, MethodArn::lower)) {
      return false;
    }
    return letterSegments(s, firstDash + 1, lastDash);
  }

  /** {@code [a-z]+(-[a-z]+)*} over {@code s[from, to)}. */
  private static boolean letterSegments(String s, int from, int to) {
    int start = from;
    for (int i = from; i <= to; i++) {
      if (i == to || s.charAt(i) == '-') {
        if (i == start || !all(s, start, i, MethodArn::lower)) {
          return false;
        }
        start = i + 1;
      }
    }
    return true;
  }

  private interface CharTest {
    boolean test(char c);
  }

  private static boolean all(String s, int from, int to, CharTest test) {
    for (int i = from; i < to; i++) {
      if (!test.test(s.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  private static boolean sized(int length, int min, int max) {
    return length >= min && length <= max;
  }

  private static boolean digit(char c) {
    return c >= '0' && c <= '9';
  }

  private static boolean lower(char c) {
    return c >= 'a' && c <= 'z';
  }

  private static boolean alnum(char c) {
    return digit(c) || lower(c) || c >= 'A' && c <= 'Z';
  }

  private static boolean stageChar(char c) {
    return alnum(c) || c == '_' || c == '-';
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
