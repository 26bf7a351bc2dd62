// The hot FFI message codecs without the native call, protobuf-es (what rtc-node's
// FfiClient.request and event decoding do) against the hand-written codecs: the lossy path's
// LocalDataTrackTryPush request and reply (src/livekit/tryPushCodec.ts), and the reliable
// fan-out's ByteStreamWriterWrite request, reply and completion event for a batch of 8 chunks
// (src/livekit/byteStreamCodec.ts; rtc-node also needs the batch concatenated first). The two run interleaved,
// pair by pair, so a loaded machine slows both alike; the ratio is the median of the pairs.
// Last, with the native call: a 1280x720 I420 frame captured on a VideoSource without a track
// (so no encoder runs), rtc-node's captureFrame(new VideoFrame(...)) against
// LocalVideoPublication.captureFrame (src/livekit/captureFrameCodec.ts), in CPU time of the
// process (GC threads included); both include LiveKit's native copy of the pixels.
import { FfiEvent, FfiRequest, FfiResponse } from "@livekit/rtc-ffi-bindings";
import { VideoBufferType, VideoFrame, VideoSource, type LocalVideoTrack } from "@livekit/rtc-node";
import {
  decodeByteStreamWriteCallback,
  decodeByteStreamWriteResponse,
  encodeByteStreamWriteRequest,
} from "../src/livekit/byteStreamCodec.js";
import { LocalVideoPublication } from "../src/livekit/LocalVideoPublication.js";
import { acquireNative } from "../src/livekit/native.js";
import { rawVideoFrameSize } from "../src/livekit/RawVideoFrame.js";
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

/** Wall-clock ns per iteration of `fn`. */
function timeNs(fn: () => number, iterations: number): number {
  const start = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - start) / iterations;
}

/** CPU ns (user + system, all threads of the process) per iteration of `fn`. */
function cpuNs(fn: () => number, iterations: number): number {
  const start = process.cpuUsage();
  fn();
  const used = process.cpuUsage(start);
  return ((used.user + used.system) * 1000) / iterations;
}

/** Times `before` and `after` in interleaved pairs; pushes both medians and the ratio. */
function pairs(
  results: BenchResult[],
  name: string,
  unit: string,
  iterations: number,
  before: () => number,
  after: () => number,
  clock = timeNs,
  names: readonly [string, string] = ["protobuf-es", "hand-written"],
): void {
  before(); // warm up both
  after();
  const a: number[] = [];
  const b: number[] = [];
  const ratios: number[] = [];
  for (let p = 0; p < PAIRS; p++) {
    const x = clock(before, iterations);
    const y = clock(after, iterations);
    a.push(x);
    b.push(y);
    ratios.push(y / x);
  }
  results.push({ name: `${name}: ${names[0]}`, value: median(a), unit });
  results.push({
    name: `${name}: ${names[1]}`,
    value: median(b),
    unit,
    detail: `ratio ${names[1]} / ${names[0]} ${median(ratios).toFixed(3)} (median of ${PAIRS} interleaved pairs)`,
  });
}

const VIDEO_W = 1280;
const VIDEO_H = 720;

/** rtc-node's capture as LocalVideoPublication did it before: views were copied to offset 0 first. */
function captureRtcNode(source: VideoSource, view: Uint8Array, iterations: number): number {
  const shared = view.buffer instanceof SharedArrayBuffer;
  for (let i = 0; i < iterations; i++) {
    const data = view.byteOffset === 0 && !shared ? view : view.slice();
    source.captureFrame(new VideoFrame(data, VIDEO_W, VIDEO_H, VideoBufferType.I420), BigInt(i));
  }
  return iterations;
}

function captureHandWritten(
  pub: LocalVideoPublication,
  view: Uint8Array,
  iterations: number,
): number {
  let sink = 0;
  for (let i = 0; i < iterations; i++) {
    sink += pub.captureFrame({ data: view, width: VIDEO_W, height: VIDEO_H, format: "i420" })
      ? 1
      : 0;
  }
  return sink;
}

/** Pushes the capture figures: a frame at offset 0 of an ArrayBuffer, and one inside shared memory. */
async function captureBench(results: BenchResult[]): Promise<void> {
  const release = await acquireNative();
  const source = new VideoSource(VIDEO_W, VIDEO_H);
  // No track: unpublish is never called, so the publication never touches it.
  const pub = new LocalVideoPublication(
    "bench",
    "",
    source,
    null as unknown as LocalVideoTrack,
    () => Promise.resolve(),
  );
  try {
    const size = rawVideoFrameSize("i420", VIDEO_W, VIDEO_H);
    const plain = new Uint8Array(size).fill(100);
    const shared = new Uint8Array(new SharedArrayBuffer(size + 8192), 4096, size).fill(100);
    for (const [label, view] of [
      ["at offset 0 of an ArrayBuffer", plain],
      ["at offset 4096 of a SharedArrayBuffer", shared],
    ] as const) {
      const iterations = 100;
      pairs(
        results,
        `captureFrame 1280x720 I420 ${label}, no track`,
        "ns CPU/frame",
        iterations,
        () => captureRtcNode(source, view, iterations),
        () => captureHandWritten(pub, view, iterations),
        cpuNs,
        ["rtc-node VideoFrame", "hand-written"],
      );
    }
  } finally {
    await source.close();
    release();
  }
}

export default async function ffiCodecBench(): Promise<BenchResult[]> {
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
  await captureBench(results);
  return results;
}
