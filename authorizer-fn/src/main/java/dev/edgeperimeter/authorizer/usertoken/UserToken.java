package dev.edgeperimeter.authorizer.usertoken;

/**
 * A verified user token (contract step 7).
 *
 * @param sub      subject
 * @param iss      issuer
 * @param scope    space-separated scopes ({@code scope}, or {@code scp} joined), or {@code null}
 * @param tokenUse Cognito {@code token_use}, or {@code null}
 * @param exp      expiry, epoch seconds
 * @param kid      the JWKS key that signed it
 */
public record UserToken(String sub, String iss, String scope, String tokenUse, long exp, String kid) {
}
