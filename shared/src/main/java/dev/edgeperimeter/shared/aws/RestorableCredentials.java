package dev.edgeperimeter.shared.aws;

import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.utils.SdkAutoCloseable;

/**
 * The SDK's default credentials chain ({@link DefaultCredentialsProvider}: environment, system
 * properties, web identity, profile, container endpoint, instance metadata), with one addition for
 * SnapStart: {@link #forget()} drops the chain and whatever it cached, so that credentials fetched
 * before a snapshot are never used by a restored instance; the next call builds a new chain, which
 * fetches its own. Every SDK client of a function is built on one instance.
 */
public final class RestorableCredentials implements AwsCredentialsProvider, SdkAutoCloseable {
  private volatile DefaultCredentialsProvider chain = newChain();

  private static DefaultCredentialsProvider newChain() {
    return DefaultCredentialsProvider.builder().build();
  }

  @Override
  public AwsCredentials resolveCredentials() {
    return chain.resolveCredentials();
  }

  /** After a SnapStart restore: forget the chain and its cached credentials. */
  public void forget() {
    DefaultCredentialsProvider old = chain;
    chain = newChain();
    old.close();
  }

  @Override
  public void close() {
    chain.close();
  }
}
