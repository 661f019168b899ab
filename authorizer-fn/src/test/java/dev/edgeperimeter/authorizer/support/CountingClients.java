package dev.edgeperimeter.authorizer.support;

import dev.edgeperimeter.authorizer.AuthorizerRuntime;
import dev.edgeperimeter.authorizer.core.AuthorizerConfig;
import dev.edgeperimeter.authorizer.usertoken.JwksFetcher;
import dev.edgeperimeter.shared.aws.AwsEnvironment;
import dev.edgeperimeter.shared.aws.direct.AwsJsonClient;
import dev.edgeperimeter.shared.aws.direct.CredentialsSource;
import dev.edgeperimeter.testsupport.LocalProcesses;
import dev.edgeperimeter.testsupport.MotoServer;
import java.net.URI;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The authorizer's own key-table reader and KMS decrypter (the direct, signed calls it runs with
 * in Lambda) on moto, counting every call attempt by {@code Service.Operation}
 * ({@code DynamoDB.Query}, {@code KMS.Decrypt}); one attempt per call, so a count is a call. Can be
 * pointed at a dead endpoint to simulate an outage.
 */
public final class CountingClients {
  private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
  private final AwsEnvironment aws;
  private final CredentialsSource credentials;
  private final AwsJsonClient.Options options;

  public CountingClients(MotoServer server) {
    this(server, server.endpoint());
  }

  private CountingClients(MotoServer server, URI endpoint) {
    this.aws = new AwsEnvironment(server.awsEnvironment().region(), Optional.of(endpoint));
    this.credentials = server.directCredentials();
    this.options = AwsJsonClient.Options.DEFAULT.withMaxAttempts(1)
        .withObserver(op -> calls.computeIfAbsent(op, k -> new AtomicInteger()).incrementAndGet());
  }

  /** An authorizer runtime wired exactly as in Lambda, its DynamoDB and KMS calls counted here. */
  public AuthorizerRuntime runtime(AuthorizerConfig config, Clock clock, Consumer<String> sink, JwksFetcher jwks) {
    return AuthorizerRuntime.create(config, aws, credentials, options, clock, sink, jwks);
  }

  /** Clients whose every call fails to connect (nothing listens on the port). */
  public static CountingClients unreachable(MotoServer server) {
    return new CountingClients(server, URI.create("http://127.0.0.1:" + LocalProcesses.freeLoopbackPort()));
  }

  public int calls(String serviceDotOperation) {
    AtomicInteger n = calls.get(serviceDotOperation);
    return n == null ? 0 : n.get();
  }

  public int total() {
    return calls.values().stream().mapToInt(AtomicInteger::get).sum();
  }

  public Map<String, AtomicInteger> all() {
    return calls;
  }

  public void reset() {
    calls.clear();
  }
}
