// Throughput of the watch's SSE parser and the cost of one retry-policy decision.
import { initialRetryState, onConnectError } from "../src/gateway/retryPolicy.js";
import { SseParser } from "../src/gateway/SseParser.js";
import { median, nsPerOp, type BenchResult } from "./harness.js";

function parserMBps(chunk: Uint8Array, chunkSize: number, repeats = 7): number {
  const samples: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const p = new SseParser();
    const start = process.hrtime.bigint();
    for (let i = 0; i < chunk.length; i += chunkSize) {
      p.push(chunk.subarray(i, i + chunkSize));
    }
    p.end();
    const s = Number(process.hrtime.bigint() - start) / 1e9;
    samples.push(chunk.length / 1e6 / s);
  }
  return median(samples);
}

export default function bench(): BenchResult[] {
  const enc = new TextEncoder();
  const keepalives = enc.encode(": keepalive\n".repeat(200_000));
  const wake = `event: wake\ndata: {"remoteAccessSessionId":"ras_1","url":"wss://lk","token":"${"x".repeat(600)}"}\n\n`;
  const events = enc.encode(wake.repeat(5_000));
  return [
    {
      name: "SSE parser, keep-alive comments, 4 KiB chunks",
      value: parserMBps(keepalives, 4096),
      unit: "MB/s",
      detail: `${(keepalives.length / 1e6).toFixed(1)} MB`,
    },
    {
      name: "SSE parser, wake events, 4 KiB chunks",
      value: parserMBps(events, 4096),
      unit: "MB/s",
      detail: `${(events.length / 1e6).toFixed(1)} MB`,
    },
    {
      name: "SSE parser, wake events, 16 B chunks",
      value: parserMBps(events, 16, 3),
      unit: "MB/s",
    },
    {
      name: "retry policy decision (onConnectError)",
      value: nsPerOp((n) => {
        let s = initialRetryState();
        for (let i = 0; i < n; i++) s = onConnectError(s, "api").state;
      }, 1_000_000),
      unit: "ns/op",
    },
  ];
}
