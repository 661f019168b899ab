package dev.edgeperimeter.rotation.edge;

import com.fasterxml.jackson.databind.JsonNode;
import dev.edgeperimeter.rotation.RotationJson;
import dev.edgeperimeter.shared.crypto.Base64Url;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The EdgeKV publishing secret (docs/WIRE-DETAILS.md): EdgeGrid API client credentials and the
 * wrapping key. Parse errors name the field, never a value; {@link #toString()} shows only the host.
 *
 * @param baseUri      scheme and authority of the API ({@code https://akab-....luna.akamaiapis.net}
 *                     or a local stand-in such as {@code http://127.0.0.1:8089})
 * @param clientToken  EdgeGrid {@code client_token}
 * @param clientSecret EdgeGrid {@code client_secret}
 * @param accessToken  EdgeGrid {@code access_token}
 * @param wrappingKey  the 32-byte AES key shared with the EdgeWorker
 */
public record PublishSecret(URI baseUri, String clientToken, String clientSecret, String accessToken,
                            byte[] wrappingKey) {

  /** The value {@code template.yaml} puts in every field of the secret it creates. */
  static final String PLACEHOLDER = "REPLACE_ME";
  private static final List<String> FIELDS = List.of("host", "client_token", "client_secret", "access_token",
      "wrapping_key");

  /** The host (and port, when not default) EdgeGrid signs, lower case. */
  public String signedHost() {
    return baseUri.getRawAuthority().toLowerCase(Locale.ROOT);
  }

  public static PublishSecret parse(String json) {
    JsonNode root;
    try {
      root = RotationJson.MAPPER.readTree(json);
    } catch (IOException e) {
      throw new IllegalArgumentException("the publish secret is not a JSON object");
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("the publish secret is not a JSON object");
    }
    List<String> unfilled = new ArrayList<>();
    for (String field : FIELDS) {
      JsonNode node = root.get(field);
      if (node != null && node.isTextual() && node.asText().contains(PLACEHOLDER)) {
        unfilled.add("'" + field + "'");
      }
    }
    if (!unfilled.isEmpty()) {
      throw new IllegalArgumentException("publish secret field" + (unfilled.size() == 1 ? " " : "s ")
          + String.join(", ", unfilled) + " still hold" + (unfilled.size() == 1 ? "s" : "")
          + " the template's " + PLACEHOLDER + " placeholder: put the EdgeGrid API client credentials and the "
          + "wrapping key (base64url of the 32 bytes in PMUSER_EDGE_WRAP_KEY) into the secret "
          + "(format: docs/WIRE-DETAILS.md; steps: README, \"Deploy\")");
    }
    URI base = baseUri(text(root, "host"));
    byte[] wrappingKey;
    try {
      wrappingKey = Base64Url.decode(text(root, "wrapping_key"));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("publish secret field 'wrapping_key' is not unpadded base64url");
    }
    if (wrappingKey.length != KeyWrapper.WRAPPING_KEY_BYTES) {
      throw new IllegalArgumentException("publish secret field 'wrapping_key' must decode to 32 bytes");
    }
    return new PublishSecret(base, text(root, "client_token"), text(root, "client_secret"),
        text(root, "access_token"), wrappingKey);
  }

  private static String text(JsonNode root, String field) {
    JsonNode node = root.get(field);
    if (node == null || !node.isTextual() || node.asText().isBlank()) {
      throw new IllegalArgumentException("publish secret field '" + field + "' is missing or not a non-empty string");
    }
    return node.asText().trim();
  }

  private static URI baseUri(String host) {
    String candidate = host.contains("://") ? host : "https://" + host;
    try {
      URI uri = new URI(candidate);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!(scheme.equals("https") || scheme.equals("http")) || uri.getHost() == null
          || (uri.getRawPath() != null && !uri.getRawPath().isEmpty() && !uri.getRawPath().equals("/"))
          || uri.getRawQuery() != null || uri.getRawUserInfo() != null) {
        throw new IllegalArgumentException("publish secret field 'host' must be a host name, optionally with "
            + "http(s):// and a port, and nothing else");
      }
      return new URI(scheme, null, uri.getHost(), uri.getPort(), null, null, null);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("publish secret field 'host' is not a valid host name");
    }
  }

  @Override
  public boolean equals(Object o) {
    return this == o;
  }

  @Override
  public int hashCode() {
    return System.identityHashCode(this);
  }

  @Override
  public String toString() {
    return "PublishSecret[host=" + signedHost() + "]";
  }
}
