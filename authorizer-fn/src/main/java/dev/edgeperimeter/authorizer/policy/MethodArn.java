package dev.edgeperimeter.authorizer.policy;

/**
 * An {@code execute-api} method ARN as API Gateway sends it ({@code methodArn} or {@code routeArn}):
 * {@code arn:aws:execute-api:REGION:ACCOUNT:API_ID/STAGE/METHOD/PATH...}.
 *
 * @param base   {@code arn:aws:execute-api:REGION:ACCOUNT:API_ID/STAGE}, the prefix of every
 *               resource in the policy
 * @param method the HTTP method part
 * @param path   the resource path with a leading {@code /} ({@code /} for the root)
 */
public record MethodArn(String base, String method, String path) {

  /** Parses a method ARN; returns {@code null} when it is not one. */
  public static MethodArn parse(String arn) {
    if (arn == null || arn.length() > 2048 || !arn.startsWith("arn:")) {
      return null;
    }
    int colons = 0;
    int resourceStart = -1;
    for (int i = 0; i < arn.length(); i++) {
      if (arn.charAt(i) == ':' && ++colons == 5) {
        resourceStart = i + 1;
        break;
      }
    }
    if (resourceStart < 0 || !arn.regionMatches(0, "arn:", 0, 4) || arn.indexOf(":execute-api:") < 0) {
      return null;
    }
    int apiEnd = arn.indexOf('/', resourceStart);
    if (apiEnd <= resourceStart) {
      return null;
    }
    int stageEnd = arn.indexOf('/', apiEnd + 1);
    if (stageEnd <= apiEnd + 1) {
      return null;
    }
    int methodEnd = arn.indexOf('/', stageEnd + 1);
    String method;
    String path;
    if (methodEnd < 0) {
      method = arn.substring(stageEnd + 1);
      path = "/";
    } else {
      method = arn.substring(stageEnd + 1, methodEnd);
      path = arn.substring(methodEnd);
    }
    if (method.isEmpty()) {
      return null;
    }
    return new MethodArn(arn.substring(0, stageEnd), method, path);
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
