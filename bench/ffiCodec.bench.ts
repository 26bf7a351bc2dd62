// The hot FFI message codecs without the native call, protobuf-es (what rtc-node's
// FfiClient.request and event decoding do) against the hand-written codecs: the lossy path's
// LocalDataTrackTryPush request and reply (src/livekit/tryPushCodec.ts), and the reliable
// fan-out's ByteStreamWriterWrite request, reply and completion event for a batch of 8 chunks
// (src/livekit/byteStreamCodec.ts; rtc-node also needs the batch concatenated first). The two run interleaved,
// pair by pair, so a loaded machine slows both alike; the ratio is the median of the pairs.
import { FfiEvent, FfiRequest, FfiResponse } from "@livekit/rtc-ffi-bindings";
import {
  decodeByteStreamWriteCallback,
  decodeByteStreamWriteResponse,
  encodeByteStreamWriteRequest,
} from "../src/livekit/byteStreamCodec.js";
import { decodeTryPushResponse, encodeTryPushRequest } from "../src/livekit/tryPushCodec.js";
import { encodeHandle } from "../src/livekit/varint.js";
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

const WRITE_REPLY = new FfiResponse({
  message: { case: "byteStreamWrite", value: { asyncId: 123_456n } },
}).toBinary();
const WRITE_EVENT = new FfiEvent({
  message: { case: "byteStreamWriterWrite", value: { asyncId: 123_456n } },
}).toBinary();

function writeProtobufEs(chunks: Uint8Array[], iterations: number): number {
  let sink = 0;
  for (let i = 0; i < iterations; i++) {
    const bytes = Buffer.concat(chunks); // ByteStreamSender's batch, before
    const request = new FfiRequest({
      message: { case: "byteStreamWrite", value: { writerHandle: HANDLE, bytes } },
    }).toBinary();
    const reply = FfiResponse.fromBinary(WRITE_REPLY).message.value as { asyncId?: bigint };
    const event = FfiEvent.fromBinary(WRITE_EVENT).message.value as { asyncId?: bigint };
    sink += request.length + (reply.asyncId === event.asyncId ? 1 : 0);
  }
  return sink;
}

function writeHandWritten(chunks: Uint8Array[], iterations: number): number {
  const handle = encodeHandle(HANDLE);
  let byteLength = 0;
  for (const c of chunks) {
    byteLength += c.byteLength;
  }
  let sink = 0;
  for (let i = 0; i < iterations; i++) {
    const request = encodeByteStreamWriteRequest(handle, chunks, byteLength);
    const asyncId = decodeByteStreamWriteResponse(WRITE_REPLY);
    const event = decodeByteStreamWriteCallback(WRITE_EVENT);
    sink += request.length + (event?.asyncId === asyncId ? 1 : 0);
  }
  return sink;
}

function timeNs(fn: () => number, iterations: number): number {
  const start = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - start) / iterations;
}

/** Times `before` and `after` in interleaved pairs; pushes both medians and the ratio. */
function pairs(
  results: BenchResult[],
  name: string,
  unit: string,
  iterations: number,
  before: () => number,
  after: () => number,
): void {
  before(); // warm up both
  after();
  const a: number[] = [];
  const b: number[] = [];
  const ratios: number[] = [];
  for (let p = 0; p < PAIRS; p++) {
    const x = timeNs(before, iterations);
    const y = timeNs(after, iterations);
    a.push(x);
    b.push(y);
    ratios.push(y / x);
  }
  results.push({ name: `${name}: protobuf-es`, value: median(a), unit });
  results.push({
    name: `${name}: hand-written`,
    value: median(b),
    unit,
    detail: `ratio hand-written / protobuf-es ${median(ratios).toFixed(3)} (median of ${PAIRS} interleaved pairs)`,
  });
}

export default function ffiCodecBench(): BenchResult[] {
  const results: BenchResult[] = [];
  for (const size of [1024, 16 * 1024, 64 * 1024]) {
    const chunks = Array.from({ length: 8 }, () => new Uint8Array(size / 8).fill(3));
    const iterations = size >= 16 * 1024 ? 2_000 : 20_000;
    const label = `${size / 1024} KiB`;
    pairs(
      results,
      `byte-stream write + reply + completion, ${label} in 8 chunks`,
      "ns/write",
      iterations,
      () => writeProtobufEs(chunks, iterations),
      () => writeHandWritten(chunks, iterations),
    );
  }
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
