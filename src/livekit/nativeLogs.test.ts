import assert from "node:assert/strict";
import { after, test } from "node:test";
import { LogBatch, LogLevel } from "@livekit/rtc-ffi-bindings";
import { getLogLevel, setLogger, setLogLevel, type Logger } from "../core/logger.js";
import { anyRecordEnabled, routeNativeLogs } from "./nativeLogs.js";

const initial = getLogLevel();
after(() => setLogLevel(initial));

function batch(...levels: LogLevel[]): Uint8Array {
  return new LogBatch({
    records: levels.map((level, i) => ({
      level,
      target: "livekit::rtc_engine",
      modulePath: "livekit::rtc_engine::rtc_session",
      file: "rtc_session.rs",
      line: 100 + i,
      message: `record ${i}`,
    })),
  }).toBinary();
}

test("a batch is decoded only when one of its records' levels is enabled", () => {
  setLogLevel("warn");
  assert.equal(anyRecordEnabled(batch(LogLevel.LOG_TRACE, LogLevel.LOG_DEBUG)), false);
  assert.equal(anyRecordEnabled(batch(LogLevel.LOG_INFO)), false);
  assert.equal(anyRecordEnabled(batch(LogLevel.LOG_TRACE, LogLevel.LOG_WARN)), true);
  assert.equal(anyRecordEnabled(batch(LogLevel.LOG_ERROR)), true);
  assert.equal(anyRecordEnabled(batch()), false);
  setLogLevel("debug");
  assert.equal(anyRecordEnabled(batch(LogLevel.LOG_TRACE)), true);
  setLogLevel("error");
  assert.equal(anyRecordEnabled(batch(LogLevel.LOG_WARN)), false);
});

test("a malformed batch throws ERR_LIVEKIT (logged at debug by the caller)", () => {
  assert.throws(() => anyRecordEnabled(Uint8Array.of(0x0a, 0x05, 0x08)), { code: "ERR_LIVEKIT" });
});

test("benign native warnings go to debug; other warnings stay warnings", () => {
  const lines: string[] = [];
  const record =
    (level: string) =>
    (...args: unknown[]) =>
      lines.push(`${level} ${args.join(" ")}`);
  const logger: Logger = {
    debug: record("debug"),
    info: record("info"),
    warn: record("warn"),
    error: record("error"),
  };
  setLogger(logger);
  setLogLevel("debug");
  try {
    routeNativeLogs([
      {
        level: LogLevel.LOG_WARN,
        target: "livekit",
        message: "failed to send dc_event buffer_amount_change: SendError { .. }",
      },
      {
        level: LogLevel.LOG_WARN,
        target: "livekit_ffi",
        message: "Attempted to drop unknown FFI handle 12",
      },
      { level: LogLevel.LOG_WARN, target: "livekit", message: "signal client closed" },
    ]);
  } finally {
    setLogger(undefined);
    setLogLevel(initial);
  }
  assert.deepEqual(
    lines.map((l) => l.split(" ")[0]),
    ["debug", "debug", "warn"],
  );
});
