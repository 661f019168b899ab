package dev.edgeperimeter.authorizer.support;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import dev.edgeperimeter.authorizer.AuthorizerRuntime;
import dev.edgeperimeter.authorizer.core.AuthorizerConfig;
import dev.edgeperimeter.shared.aws.direct.AwsJsonClient;
import dev.edgeperimeter.shared.config.Env;
import dev.edgeperimeter.shared.crypto.Base64Url;
import dev.edgeperimeter.shared.keys.KeyState;
import dev.edgeperimeter.testsupport.MotoServer;
import dev.edgeperimeter.testsupport.MutableClock;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Runtimes on a moto key table holding the vectors' CURRENT key (the sample events are signed with it). */
public final class HandlerFixture {
  public static final String SAMPLE_KID = "public-2026-11.a1";
  public static final byte[] SAMPLE_KEY = Base64Url.decode("SbuNOCK7uGtEK1PsOCMS1llv8j5aNjpfXS-XRMrq4Y0");
  /** Inside the sample assertions' validity window. */
  public static final long SAMPLE_TIME = 1764000010L;

  private final MotoKeys keys;

  public HandlerFixture(MotoServer server) {
    keys = new MotoKeys(server, "handlers");
    keys.put(SAMPLE_KID, KeyState.CURRENT, SAMPLE_KEY, Minter.NOW + 400L * 86_400);
  }

  /** A runtime without a route policy (the handler tests are about the answers' shapes). */
  public AuthorizerRuntime runtime(long now, Sink sink, Map<String, String> overrides) {
    return runtime(now, sink, overrides, dev.edgeperimeter.authorizer.policy.RouteScopes.none());
  }

  public AuthorizerRuntime runtime(long now, Sink sink, Map<String, String> overrides,
      dev.edgeperimeter.authorizer.policy.RouteScopes routes) {
    Map<String, String> env = new HashMap<>(keys.edgeEnvironment());
    env.putAll(overrides);
    return AuthorizerRuntime.create(AuthorizerConfig.fromEnv(Env.of(env)).withRouteScopes(routes), keys.server().awsEnvironment(), keys.server().directCredentials(),
        AwsJsonClient.Options.DEFAULT, MutableClock.at(now), sink,
        null);
  }

  public static Path events() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.isDirectory(dir.resolve("events/authorizer"))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      throw new IllegalStateException("events/authorizer not found");
    }
    return dir.resolve("events/authorizer");
  }

  public static byte[] event(String name) {
    try {
      return Files.readAllBytes(events().resolve(name));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Invokes; returns the response JSON. */
  public static JsonNode invoke(RequestStreamHandler handler, byte[] event) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    handler.handleRequest(new ByteArrayInputStream(event), out, new TestContext("req-1"));
    return Minter.JSON.readTree(out.toByteArray());
  }
}
