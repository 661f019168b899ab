package dev.edgeperimeter.authorizer.policy;

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
  private static final Pattern PARTITION = Pattern.compile("aws(-[a-z]+)*");
  private static final Pattern REGION = Pattern.compile("[a-z]{2,}(-[a-z]+)+-\\d{1,2}");
  private static final Pattern ACCOUNT = Pattern.compile("\\d{12}");
  private static final Pattern API_ID = Pattern.compile("[A-Za-z0-9]{1,64}");
  private static final Pattern STAGE = Pattern.compile("\\$default|[A-Za-z0-9_-]{1,128}");
  private static final Pattern METHOD = Pattern.compile("[A-Z]{1,16}|\\$default");

  /** Parses a method ARN; returns {@code null} when it is not a well-formed one for a single API stage. */
  public static MethodArn parse(String arn) {
    if (arn == null || arn.length() > 2048) {
      return null;
    }
    String[] fields = arn.split(":", 6);
    if (fields.length != 6 || !"arn".equals(fields[0]) || !PARTITION.matcher(fields[1]).matches()
        || !"execute-api".equals(fields[2]) || !REGION.matcher(fields[3]).matches()
        || !ACCOUNT.matcher(fields[4]).matches()) {
      return null;
    }
    String resource = fields[5];
    int apiEnd = resource.indexOf('/');
    int stageEnd = apiEnd < 0 ? -1 : resource.indexOf('/', apiEnd + 1);
    if (stageEnd < 0 || !API_ID.matcher(resource.substring(0, apiEnd)).matches()
        || !STAGE.matcher(resource.substring(apiEnd + 1, stageEnd)).matches()) {
      return null;
    }
    int methodEnd = resource.indexOf('/', stageEnd + 1);
    String method = methodEnd < 0 ? resource.substring(stageEnd + 1) : resource.substring(stageEnd + 1, methodEnd);
    String path = methodEnd < 0 ? "/" : resource.substring(methodEnd);
    if (!METHOD.matcher(method).matches()) {
      return null;
    }
    int baseEnd = arn.length() - resource.length() + stageEnd;
    return new MethodArn(arn.substring(0, baseEnd), method, path);
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
