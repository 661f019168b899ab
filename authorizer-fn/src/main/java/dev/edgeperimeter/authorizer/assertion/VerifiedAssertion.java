package dev.edgeperimeter.authorizer.assertion;

import java.util.List;

/**
 * An edge assertion that passed contract steps 1-6.
 *
 * @param kid      the key that signed it
 * @param iss      the edge issuer
 * @param sub      the subject the edge established, or {@code null}
 * @param scope    the scopes the edge established (space-separated), or {@code null}
 * @param jti      the request id
 * @param epc      the pre-checks the edge performed (empty when absent)
 * @param degraded the key set was served past its refresh time because its source failed
 */
public record VerifiedAssertion(String kid, String iss, String sub, String scope, String jti, List<String> epc,
    boolean degraded) {
}
