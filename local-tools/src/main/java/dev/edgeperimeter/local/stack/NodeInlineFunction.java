package dev.edgeperimeter.local.stack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * A Node.js function whose code is the template's {@code InlineCode} (the example backend): the
 * code is written as {@code index.js} into a private directory and served by a small wrapper in a
 * long-lived {@code node} process, using the same framing as the Java sandboxes. The wrapper loads
 * the module named by {@code Handler} ({@code index.handler}), calls it with the event and a
 * minimal context, and sends the result (or Lambda's error document) back; {@code console.*}
 * output goes to the log file, never into the response channel.
 */
public final class NodeInlineFunction {
  static final String WRAPPER = """
      'use strict';
      const util = require('node:util');
      const path = require('node:path');
      for (const level of ['log', 'info', 'warn', 'error', 'debug']) {
        console[level] = (...args) => process.stderr.write(util.format(...args) + '\\n');
      }
      const [moduleName, exportName] = (process.env._HANDLER || 'index.handler').split('.');
      const handler = require(path.join(__dirname, moduleName + '.js'))[exportName];
      let buffer = Buffer.alloc(0);
      let busy = false;
      function frame(status, body) {
        const bytes = Buffer.from(body, 'utf8');
        process.stdout.write(status + ' ' + bytes.length + '\\n');
        process.stdout.write(bytes);
      }
      async function pump() {
        if (busy) return;
        busy = true;
        try {
          for (;;) {
            const nl = buffer.indexOf(10);
            if (nl < 0) break;
            const length = Number(buffer.subarray(0, nl).toString('ascii'));
            if (buffer.length < nl + 1 + length) break;
            const event = buffer.subarray(nl + 1, nl + 1 + length).toString('utf8');
            buffer = buffer.subarray(nl + 1 + length);
            try {
              if (typeof handler !== 'function') throw new Error(`${process.env._HANDLER} is undefined or not exported`);
              const context = { functionName: process.env.AWS_LAMBDA_FUNCTION_NAME, awsRequestId: require('node:crypto').randomUUID(),
                getRemainingTimeInMillis: () => 3000 };
              const result = await handler(JSON.parse(event), context);
              frame('ok', JSON.stringify(result === undefined ? null : result));
            } catch (e) {
              console.error(e && e.stack ? e.stack : String(e));
              frame('error', JSON.stringify({ errorMessage: String(e && e.message ? e.message : e), errorType: (e && e.name) || 'Error' }));
            }
          }
        } finally {
          busy = false;
        }
      }
      process.stdin.on('data', (chunk) => { buffer = Buffer.concat([buffer, chunk]); pump(); });
      process.stdin.on('end', () => process.exit(0));
      """;

  private NodeInlineFunction() {
  }

  /**
   * Writes the code and the wrapper into {@code dir} and returns the sandbox (not yet started).
   *
   * @param logicalId   the function's logical id
   * @param inlineCode  the template's {@code InlineCode}
   * @param handler     the template's {@code Handler} ({@code index.handler})
   * @param environment the function's environment
   */
  public static FramedProcessFunction create(String logicalId, String inlineCode, String handler,
      Map<String, String> environment, Duration timeout, Path dir, Path logFile) throws IOException {
    Files.createDirectories(dir);
    String module = handler.contains(".") ? handler.substring(0, handler.lastIndexOf('.')) : "index";
    if (!module.matches("[A-Za-z0-9_-]+")) {
      throw new IllegalArgumentException(logicalId + ": Handler " + handler + " is not <file>.<export>");
    }
    Files.writeString(dir.resolve(module + ".js"), inlineCode);
    Files.writeString(dir.resolve("package.json"), "{\"type\":\"commonjs\"}\n");
    Path wrapper = dir.resolve("local-runtime-wrapper.cjs");
    Files.writeString(wrapper, WRAPPER);
    return new FramedProcessFunction(logicalId, () -> {
      ProcessBuilder builder = new ProcessBuilder("node", wrapper.toString()).directory(dir.toFile());
      String path = builder.environment().get("PATH");
      builder.environment().clear();
      builder.environment().putAll(environment);
      if (path != null) {
        builder.environment().putIfAbsent("PATH", path);
      }
      builder.environment().put("_HANDLER", handler);
      builder.environment().put("AWS_EXECUTION_ENV", "AWS_Lambda_nodejs22.x");
      return builder;
    }, timeout, Duration.ofSeconds(10), logFile);
  }
}
