/**
 * AWS JSON-protocol APIs called directly over HTTP(S), signed with Signature Version 4, without
 * the AWS SDK: the authorizer's two read calls (DynamoDB {@code Query}, KMS {@code Decrypt}).
 *
 * <p>Why: the SDK's class loading, endpoint rules and TLS setup cost a fresh authorizer JVM about
 * 350 ms before its first answer and 8 MB of its 10 MB zip; these few classes do the same two calls
 * with the JDK alone. The SDK stays where its breadth pays (key rotation, log ingest). The signer is
 * checked against the SDK's own {@code AwsV4HttpSigner} and the calls against moto in the tests.
 */
package dev.edgeperimeter.shared.aws.direct;
