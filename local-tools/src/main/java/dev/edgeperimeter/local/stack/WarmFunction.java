package dev.edgeperimeter.local.stack;

import java.nio.file.Path;
import java.util.OptionalLong;

/** A function of the local stack kept warm in its own process, with its log file. */
public interface WarmFunction extends FunctionInvoker {

  /** The process serving invocations, when running. */
  OptionalLong pid();

  /** Where the function's output goes. */
  Path logFile();
}
