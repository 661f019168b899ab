package dev.edgeperimeter.testsupport.edgekv;

/**
 * EdgeGrid API client credentials, as in an {@code .edgerc} section or the publish secret of
 * docs/WIRE-DETAILS.md. {@link #toString()} never shows the secret.
 *
 * @param clientToken  {@code client_token}
 * @param clientSecret {@code client_secret}
 * @param accessToken  {@code access_token}
 * @param host         the host (and port) the API client signs, e.g. {@code 127.0.0.1:41234}
 */
public record EdgeKvCredentials(String clientToken, String clientSecret, String accessToken, String host) {

  @Override
  public String toString() {
    return "EdgeKvCredentials[clientToken=" + clientToken + ", host=" + host + "]";
  }
}
