package dev.edgeperimeter.local.stack;

/** The copy-paste commands the local stack prints to try it: each README step against its URLs. */
final class TryIt {
  private TryIt() {
  }

  static String commands(String token, String edgeUrl, String gw, String adminUrl, String pageUrl,
      String assertionHeader) {
    StringBuilder b = new StringBuilder();
    b.append("\nTry it (the demo user's access token expires in an hour; get a new one with the first line):\n\n");
    b.append("TOKEN=$(curl -s ").append(adminUrl).append("/token | sed 's/.*\"access_token\":\"\\([^\"]*\\)\".*/\\1/')\n");
    b.append("TOKEN=").append(token).append("\n\n");
    b.append("# 1. valid user token through the edge -> 200, the backend echoes the authorizer context\n");
    b.append("curl -i -H \"Authorization: Bearer $TOKEN\" ").append(edgeUrl).append("/orders/42\n\n");
    b.append("# 2. the same straight to the gateway, without the edge's assertion -> 401\n");
    b.append("curl -i -H \"Authorization: Bearer $TOKEN\" ").append(gw).append("/orders/42\n");
    b.append("#    ... or with a forged ").append(assertionHeader).append(" -> 401\n");
    b.append("curl -i -H \"Authorization: Bearer $TOKEN\" -H '").append(assertionHeader)
        .append(": eyJhbGciOiJIUzI1NiJ9.e30.AAAA' ").append(gw).append("/orders/42\n\n");
    b.append("# 3. a token lacking the route's scope (POST /orders needs orders:write) -> 403 scope_denied from the edge\n");
    b.append("curl -i -X POST -H \"Authorization: Bearer $TOKEN\" -H 'Content-Type: application/json' -d '{}' ")
        .append(edgeUrl).append("/orders\n\n");
    b.append("#    a path the path rule refuses (encoded slash, dot segments) -> 400 path_not_normal from the edge\n");
    b.append("curl -i --path-as-is -H \"Authorization: Bearer $TOKEN\" ").append(edgeUrl).append("/orders/1%2F..%2Fadmin\n\n");
    b.append("# 4. force a key rotation (KeyRotationFunction {\"action\":\"rotate\",\"force\":true}), then requests keep working\n");
    b.append("curl -s -X POST ").append(adminUrl).append("/rotate; echo\n");
    b.append("curl -s ").append(adminUrl).append("/keys; echo\n");
    b.append("curl -i -H \"Authorization: Bearer $TOKEN\" ").append(edgeUrl).append("/orders/43\n\n");
    b.append("# 5. an EdgeWorker log batch through the edge, then read it back from local CloudWatch Logs\n");
    b.append("curl -i -X POST -H \"Authorization: Bearer $TOKEN\" -H 'Content-Type: application/json' -d '")
        .append(LocalStack.sampleLogBatch()).append("' ").append(edgeUrl).append("/edge/logs\n");
    b.append("curl -s ").append(adminUrl).append("/logs\n\n");
    b.append("# 6. watch it all on one page (timeline, rejections by reason, key set, anomaly flag)\n");
    b.append("open ").append(pageUrl).append("\n\n");
    b.append("Stop with Ctrl-C.\n");
    return b.toString();
  }
}
