// ns per log() call on the core hot path: no subscriber (must be ~free) and one in-memory sink.
import { Channel } from "../src/core/Channel.js";
import { Context } from "../src/core/Context.js";
import { nextSinkId } from "../src/core/ids.js";
import { jsonEncoder } from "../src/core/jsonEncoder.js";
import { RawChannel } from "../src/core/RawChannel.js";
import type { Sink } from "../src/core/Sink.js";
import { nsPerOp, type BenchResult } from "./harness.js";

interface Sample {
  timestamp: { sec: number; nsec: number };
  frame_id: string;
  position: { x: number; y: number; z: number };
  values: number[];
}

const message: Sample = {
  timestamp: { sec: 1_700_000_000, nsec: 123_456_789 },
  frame_id: "base_link",
  position: { x: 1.5, y: -2.25, z: 3 },
  values: [1, 2, 3, 4, 5, 6, 7, 8],
};

export default function coreBench(): BenchResult[] {
  const iterations = 2_000_000;
  const payload = new Uint8Array(64);
  const results: BenchResult[] = [];
  const detail = (n: number): string => `median of 7 runs x ${n} calls`;

  const idle = new Context();
  const rawIdle = new RawChannel("/raw", { context: idle, messageEncoding: "x" });
  const typedIdle = new Channel<Sample>("/typed", { context: idle, encoder: jsonEncoder() });
  results.push({
    name: "RawChannel.log(), no subscriber",
    value: nsPerOp((n) => {
      for (let i = 0; i < n; i++) rawIdle.log(payload);
    }, iterations),
    unit: "ns/call",
    detail: detail(iterations),
  });
  results.push({
    name: "Channel<T>.log() (json), no subscriber",
    value: nsPerOp((n) => {
      for (let i = 0; i < n; i++) typedIdle.log(message);
    }, iterations),
    unit: "ns/call",
    detail: detail(iterations),
  });

  const busy = new Context();
  let received = 0;
  const sink: Sink = {
    id: nextSinkId(),
    log: (_channel, data) => {
      received += data.length;
    },
  };
  busy.addSink(sink);
  const raw = new RawChannel("/raw", { context: busy, messageEncoding: "x" });
  const typed = new Channel<Sample>("/typed", { context: busy, encoder: jsonEncoder() });
  const subscribedIterations = 500_000;
  results.push({
    name: "RawChannel.log(64 B), one sink",
    value: nsPerOp((n) => {
      for (let i = 0; i < n; i++) raw.log(payload);
    }, subscribedIterations),
    unit: "ns/call",
    detail: detail(subscribedIterations),
  });
  results.push({
    name: "RawChannel.log(64 B, logTime given), one sink",
    value: nsPerOp((n) => {
      for (let i = 0; i < n; i++) raw.log(payload, { logTime: 1n });
    }, subscribedIterations),
    unit: "ns/call",
    detail: detail(subscribedIterations),
  });
  const typedIterations = 200_000;
  results.push({
    name: "Channel<T>.log() (json, ~150 B), one sink",
    value: nsPerOp((n) => {
      for (let i = 0; i < n; i++) typed.log(message);
    }, typedIterations),
    unit: "ns/call",
    detail: detail(typedIterations),
  });
  if (received === 0) {
    throw new Error("the sink received nothing");
  }
  return results;
}
