// Wire-protocol codec throughput: MessageData encoding and control-stream frame decoding.
import { median, nsPerOp, type BenchResult } from "./harness.js";
import {
  decodeServerFrame,
  decodeServerJson,
  encodeMessageData,
  encodeMessageDataFrame,
  encodeServerJson,
  FrameDecoder,
  type ServerAdvertise,
} from "../src/protocol/index.js";

const SIZES: [string, number][] = [
  ["64 B", 64],
  ["1 KiB", 1024],
  ["64 KiB", 64 * 1024],
];
const CHUNK = 15 * 1024; // LiveKit byte streams arrive in chunks of roughly this size

/** MB/s (10^6 bytes per second) for `bytes` processed per op at `ns` per op. */
const mbps = (bytes: number, ns: number): number => (bytes / ns) * 1e3;

function iterationsFor(bytes: number): number {
  return Math.max(200, Math.min(200_000, Math.floor((64 * 1024 * 1024) / bytes / 4)));
}

export default function protocolBench(): BenchResult[] {
  const results: BenchResult[] = [];
  let sink = 0;

  for (const [label, size] of SIZES) {
    const data = new Uint8Array(size).fill(7);
    const n = iterationsFor(size);
    const ns = nsPerOp((k) => {
      for (let i = 0; i < k; i++)
        sink += encodeMessageDataFrame(42, 1_700_000_000_000_000_000n, data).length;
    }, n);
    results.push({
      name: `encodeMessageDataFrame ${label}`,
      value: mbps(size, ns),
      unit: "MB/s",
      detail: `${ns.toFixed(0)} ns/msg, payload bytes`,
    });
    const ns2 = nsPerOp((k) => {
      for (let i = 0; i < k; i++) sink += encodeMessageData(42, 1n, data).length;
    }, n);
    results.push({
      name: `encodeMessageData ${label}`,
      value: mbps(size, ns2),
      unit: "MB/s",
      detail: `${ns2.toFixed(0)} ns/msg`,
    });
  }

  for (const [label, size] of SIZES) {
    // A stream of framed MessageData, fed in LiveKit-sized chunks.
    const frame = encodeMessageDataFrame(42, 1n, new Uint8Array(size).fill(7));
    const count = Math.max(16, Math.floor((4 * 1024 * 1024) / frame.length));
    const stream = new Uint8Array(frame.length * count);
    for (let i = 0; i < count; i++) stream.set(frame, i * frame.length);
    const chunks: Uint8Array[] = [];
    for (let o = 0; o < stream.length; o += CHUNK) chunks.push(stream.subarray(o, o + CHUNK));
    const run = (decodeMessages: boolean): number => {
      const samples: number[] = [];
      for (let r = 0; r < 9; r++) {
        const start = process.hrtime.bigint();
        const d = new FrameDecoder();
        for (const c of chunks) {
          for (const f of d.push(c)) {
            sink += decodeMessages
              ? decodeServerFrame(f).op === "messageData"
                ? 1
                : 0
              : f.payload.length;
          }
        }
        samples.push(Number(process.hrtime.bigint() - start));
      }
      return mbps(stream.length, median(samples.slice(2)));
    };
    results.push({
      name: `FrameDecoder.push ${label} frames`,
      value: run(false),
      unit: "MB/s",
      detail: `15 KiB chunks, ${count} frames`,
    });
    results.push({
      name: `FrameDecoder + decodeServerFrame ${label}`,
      value: run(true),
      unit: "MB/s",
      detail: "frames to messages",
    });
  }

  const advertise: ServerAdvertise = {
    op: "advertise",
    channels: Array.from({ length: 100 }, (_, i) => ({
      id: i + 1,
      topic: `/topic/${i}`,
      encoding: "protobuf",
      schemaName: "foxglove.SceneUpdate",
      schemaEncoding: "protobuf",
      schema: "A".repeat(2000),
      metadata: { "foxglove.reliable": "true" },
    })),
  };
  const text = encodeServerJson(advertise);
  const encNs = nsPerOp((k) => {
    for (let i = 0; i < k; i++) sink += encodeServerJson(advertise).length;
  }, 200);
  const decNs = nsPerOp((k) => {
    for (let i = 0; i < k; i++) sink += decodeServerJson(text).op.length;
  }, 200);
  results.push({
    name: "encodeServerJson advertise(100 channels)",
    value: mbps(text.length, encNs),
    unit: "MB/s",
    detail: `${(encNs / 1000).toFixed(0)} µs/msg, ${text.length} B`,
  });
  results.push({
    name: "decodeServerJson advertise(100 channels)",
    value: mbps(text.length, decNs),
    unit: "MB/s",
    detail: `${(decNs / 1000).toFixed(0)} µs/msg`,
  });

  if (sink === -1) console.log(sink);
  return results;
}
