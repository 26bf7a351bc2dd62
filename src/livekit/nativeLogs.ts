import { format } from "node:util";
import { LogBatch } from "@livekit/rtc-ffi-bindings";
import { isLogLevelEnabled, log } from "../core/logger.js";
import { redact } from "../core/redact.js";
import { ffiLogLevel } from "./ffiLogLevel.js";
import { ProtoReader } from "./ProtoReader.js";

/** rtc-node's pino logger (only what we touch). */
export interface PinoLike {
  level: string;
  [method: string]: unknown;
}

/** The napi entry point rtc-node calls once per FFI client. */
export interface NativeBindings {
  livekitInitialize(
    callback: (data: Uint8Array) => void,
    captureLogs: boolean,
    version: string,
  ): void;
}

/**
 * rtc-node logs through its own pino logger straight to stdout, at debug level unless
 * NODE_ENV=production. Keep only its warnings and errors and send them to our logger.
 */
export function quietRtcNodeLogger(rtcLog: PinoLike): void {
  rtcLog.level = "warn";
  const forward = (...args: unknown[]) => {
    // pino call shapes: (msg, ...printfArgs) or (mergeObject, msg?, ...printfArgs).
    const [first, ...rest] = args;
    const text = redact(
      typeof first === "string" ? format(first, ...rest) : format(...rest, first ?? ""),
    );
    // Stream failures reach the caller as typed errors; do not report them twice.
    const level = /^(error reading stream|Sink error)/.test(text) ? "debug" : "warn";
    if (isLogLevelEnabled(level)) {
      log[level]("livekit:", text);
    }
  };
  for (const level of ["warn", "error", "fatal"]) {
    rtcLog[level] = forward;
  }
}

/** FfiEvent field 18 (`logs`, length-delimited) encodes as the varint tag 0x92 0x01. */
const LOGS_TAG_0 = 0x92;
const LOGS_TAG_1 = 0x01;

/**
 * The native layer forwards every Rust and libwebrtc log record (libwebrtc's verbose level
 * included: one event per SCTP packet under load) as an FFI event, which rtc-node decodes and
 * hands to every room. Catch those events before rtc-node does and route them to our logger;
 * this keeps the logs and saves about a fifth of the CPU of a busy data transfer. Any other
 * event is first offered to `claim` (encoded; true = handled here, rtc-node never sees it).
 */
export function interceptNativeLogs(
  bindings: NativeBindings,
  claim: (data: Uint8Array) => boolean = () => false,
): void {
  const original = bindings.livekitInitialize.bind(bindings);
  bindings.livekitInitialize = (callback, captureLogs, version) =>
    original(
      (data) => {
        if (data[0] === LOGS_TAG_0 && data[1] === LOGS_TAG_1) {
          routeEncodedLogs(data);
        } else if (!claim(data)) {
          callback(data);
        }
      },
      captureLogs,
      version,
    );
}

function routeEncodedLogs(data: Uint8Array): void {
  try {
    // Skip the tag (2 bytes) and the varint length prefix of the LogBatch.
    let offset = 2;
    while (offset < data.length && (data[offset]! & 0x80) !== 0) {
      offset += 1;
    }
    const batch = data.subarray(offset + 1);
    if (!anyRecordEnabled(batch)) {
      return; // e.g. LiveKit's trace records, one per evicted data-track frame under load
    }
    routeNativeLogs(LogBatch.fromBinary(batch).records);
  } catch (error) {
    log.debug("livekit: undecodable native log batch:", error);
  }
}

/**
 * True when some record of an encoded `LogBatch` (field 1: repeated LogRecord, whose field 1 is
 * the level) would be logged at our level. Reads only the levels: protobuf-es decodes the whole
 * batch only when something in it is wanted.
 */
export function anyRecordEnabled(batch: Uint8Array): boolean {
  const reader = new ProtoReader(batch);
  while (!reader.done) {
    const tag = reader.varint();
    if (tag !== (1 << 3) + 2) {
      reader.skip(tag);
      continue;
    }
    const record = reader.sub();
    let level: number | undefined;
    while (!record.done && level === undefined) {
      const field = record.varint();
      if (field === (1 << 3) + 0) {
        level = record.varint();
      } else {
        record.skip(field);
      }
    }
    if (isLogLevelEnabled(ffiLogLevel(level))) {
      return true;
    }
  }
  return false;
}

/**
 * Native warnings that are harmless, logged at debug: rtc-node dropping handles the FFI already
 * released, and a data channel reporting its buffered amount to a room task that has ended (at
 * every disconnect).
 */
const BENIGN =
  /^(Attempted to drop unknown FFI handle|failed to send dc_event buffer_amount_change)/;

/** Logs native records through our logger at mapped levels, tokens redacted. */
export function routeNativeLogs(
  records: readonly { level?: number; target?: string; message?: string }[],
): void {
  for (const r of records) {
    const level = BENIGN.test(r.message ?? "") ? "debug" : ffiLogLevel(r.level);
    if (isLogLevelEnabled(level)) {
      log[level](`livekit[${r.target ?? "?"}]:`, redact(r.message ?? ""));
    }
  }
}
