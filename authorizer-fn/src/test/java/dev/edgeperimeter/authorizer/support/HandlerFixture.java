package dev.edgeperimeter.authorizer.support;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import dev.edgeperimeter.authorizer.core.AuthorizerConfig;
import dev.edgeperimeter.authorizer.pipeline.AuthorizerPipeline;
import dev.edgeperimeter.authorizer.wiring.Authorizer;
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

/** Authorizers on a moto key table holding the vectors' CURRENT key (the sample events are signed with it). */
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

  /** An authorizer on the moto key table through the SDK clients, its clock standing at {@code now}; no route policy. */
  public Authorizer authorizer(long now, Map<String, String> overrides) {
    return authorizer(now, overrides, dev.edgeperimeter.authorizer.policy.RouteScopes.none());
  }

  public Authorizer authorizer(long now, Map<String, String> overrides,
      dev.edgeperimeter.authorizer.policy.RouteScopes routes) {
    Map<String, String> env = new HashMap<>(keys.edgeEnvironment());
    env.putAll(overrides);
    return Authorizer.create(AuthorizerConfig.fromEnv(Env.of(env)).withRouteScopes(routes), keys.server().clients(),
        null, MutableClock.at(now));
  }

  /** The request pipeline of {@link #authorizer}: what the handlers are built on. */
  public AuthorizerPipeline pipeline(long now, Map<String, String> overrides,
      dev.edgeperimeter.authorizer.policy.RouteScopes routes) {
    return authorizer(now, overrides, routes).pipeline();
  }

  /** The request pipeline of {@link #authorizer}: what the handlers are built on. */
  public AuthorizerPipeline pipeline(long now, Map<String, String> overrides) {
    return authorizer(now, overrides).pipeline();
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
