import assert from "node:assert/strict";
import { after, test } from "node:test";
import { LogBatch, LogLevel } from "@livekit/rtc-ffi-bindings";
import { getLogLevel, setLogLevel } from "../core/logger.js";
import { anyRecordEnabled } from "./nativeLogs.js";

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
