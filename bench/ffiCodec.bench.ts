// The lossy hot path's FFI message codec without the native call: the LocalDataTrackTryPush
// request and its reply, encoded and decoded by protobuf-es (what rtc-node's FfiClient.request
// does) against the hand-written codec (src/livekit/tryPushCodec.ts). The two run interleaved,
// pair by pair, so a loaded machine slows both alike; the ratio is the median of the pairs.
import { FfiRequest, FfiResponse } from "@livekit/rtc-ffi-bindings";
import {
  decodeTryPushResponse,
  encodeHandle,
  encodeTryPushRequest,
} from "../src/livekit/tryPushCodec.js";
import { median, type BenchResult } from "./harness.js";

const PAIRS = 15;
const HANDLE = 12n;
const REPLY = new FfiResponse({ message: { case: "localDataTrackTryPush", value: {} } }).toBinary();

function protobufEs(payload: Uint8Array, iterations: number): number {
  let sink = 0;
  for (let i = 0; i < iterations; i++) {
    const request = new FfiRequest({
      message: {
        case: "localDataTrackTryPush",
        value: { trackHandle: HANDLE, frame: { payload, userTimestamp: BigInt(i) } },
      },
    }).toBinary();
    const reply = FfiResponse.fromBinary(REPLY).message.value as { error?: unknown };
    sink += request.length + (reply.error === undefined ? 0 : 1);
  }
  return sink;
}

function handWritten(payload: Uint8Array, iterations: number): number {
  const handle = encodeHandle(HANDLE);
  let sink = 0;
  for (let i = 0; i < iterations; i++) {
    const request = encodeTryPushRequest(handle, undefined, payload, BigInt(i));
    sink += request.length + (decodeTryPushResponse(REPLY) === undefined ? 0 : 1);
  }
  return sink;
}

function timeNs(fn: () => number, iterations: number): number {
  const start = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - start) / iterations;
}

export default function ffiCodecBench(): BenchResult[] {
  const results: BenchResult[] = [];
  for (const size of [64, 1024, 16 * 1024, 64 * 1024]) {
    const payload = new Uint8Array(size).fill(5);
    const iterations = size >= 16 * 1024 ? 2_000 : 20_000;
    protobufEs(payload, iterations); // warm up both
    handWritten(payload, iterations);
    const before: number[] = [];
    const after: number[] = [];
    const ratios: number[] = [];
    for (let p = 0; p < PAIRS; p++) {
      const a = timeNs(() => protobufEs(payload, iterations), iterations);
      const b = timeNs(() => handWritten(payload, iterations), iterations);
      before.push(a);
      after.push(b);
      ratios.push(b / a);
    }
    const label = size >= 1024 ? `${size / 1024} KiB` : `${size} B`;
    results.push({
      name: `try-push request + reply, ${label}: protobuf-es`,
      value: median(before),
      unit: "ns/push",
    });
    results.push({
      name: `try-push request + reply, ${label}: hand-written`,
      value: median(after),
      unit: "ns/push",
      detail: `ratio hand-written / protobuf-es ${median(ratios).toFixed(3)} (median of ${PAIRS} interleaved pairs)`,
    });
  }
  return results;
}
