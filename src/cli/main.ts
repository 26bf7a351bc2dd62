#!/usr/bin/env node
import { buildProgram } from "./program.js";

try {
  await buildProgram().parseAsync(process.argv);
} catch (error) {
  // Expected failures (bad options, unreachable servers) print one line, not a stack trace.
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`foxglove-remote: ${message}\n`);
  if (process.env.FOXGLOVE_DEBUG !== undefined && error instanceof Error && error.stack) {
    process.stderr.write(`${error.stack}\n`);
  }
  process.exitCode = 1;
}
