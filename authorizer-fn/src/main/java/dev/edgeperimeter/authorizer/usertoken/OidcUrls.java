package dev.edgeperimeter.authorizer.usertoken;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * Which URLs the authorizer trusts for the user tokens' issuer and keys: {@code https} only, so
 * that nobody on the network path can serve a JWKS of their own; plain {@code http} only to a
 * loopback host ({@code localhost}, {@code 127.0.0.0/8}, {@code ::1}), for local runs. Applied to
 * {@code OIDC_ISSUER}, {@code OIDC_JWKS_URL} and a discovered {@code jwks_uri}.
 */
public final class OidcUrls {
  private OidcUrls() {
  }

  /** Why {@code uri} may not be used, or {@code null} when it may. */
  public static String problem(URI uri) {
    if (uri == null || !uri.isAbsolute() || uri.getHost() == null || uri.getHost().isEmpty()) {
      return "must be an absolute https URL";
    }
    if (uri.getRawUserInfo() != null) {
      return "must not carry user information";
    }
    String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
    if (scheme.equals("https")) {
      return null;
    }
    if (scheme.equals("http") && loopback(uri.getHost())) {
      return null;
    }
    return "must use https (plain http only to a loopback host, for local runs): " + uri;
  }

  /** A loopback host, named or literal; never resolved through DNS. */
  static boolean loopback(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    if (h.equals("localhost")) {
      return true;
    }
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    if (!h.matches("[0-9.]+|[0-9a-f:]+")) {
      return false; // a name other than localhost: not looked up
    }
    try {
      return InetAddress.getByName(h).isLoopbackAddress(); // a literal: parsed, not resolved
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
