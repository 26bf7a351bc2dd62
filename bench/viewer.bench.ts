// The viewer: cost of its pure receive paths (control-stream MessageData and data-track frames
// routed to a subscription), and end to end over a local livekit-server with a gateway session:
// connect time, ping round trip, and Reliable/Lossy message rates.
import { Context } from "../src/core/Context.js";
import { RawChannel } from "../src/core/RawChannel.js";
import { startApiServer, TEST_DEVICE } from "../src/api-server/index.js";
import { startGateway } from "../src/gateway/startGateway.js";
import { shutdownLiveKit, startDevServer } from "../src/livekit/index.js";
import {
  decodeDataTrackFrame,
  decodeServerFrame,
  encodeDataTrackFrame,
  encodeMessageDataFrame,
  FrameDecoder,
} from "../src/protocol/index.js";
import { connectViewer } from "../src/viewer/index.js";
import { Emitter } from "../src/viewer/Emitter.js";
import { SequenceTracker } from "../src/viewer/SequenceTracker.js";
import { ViewerCore } from "../src/viewer/ViewerCore.js";
import type { ViewerEvents } from "../src/viewer/ViewerEvents.js";
import { deadline, median, nsPerOp, type BenchResult } from "./harness.js";

function pureCore(): ViewerCore {
  const core = new ViewerCore({
    events: new Emitter<ViewerEvents>(),
    effects: { send: () => {}, openDataTrack: () => {}, closeDataTrack: () => {} },
  });
  core.handleMessage({
    op: "advertise",
    channels: [
      { id: 1, topic: "/lossy", encoding: "json", schemaName: "", schema: "" },
      {
        id: 2,
        topic: "/rel",
        encoding: "json",
        schemaName: "",
        schema: "",
        metadata: { "foxglove.reliable": "true" },
      },
    ],
  });
  let n = 0;
  core.subscribe({ kind: "topic", topic: "/lossy" }, { onMessage: () => (n += 1) });
  core.subscribe({ kind: "topic", topic: "/rel" }, { onMessage: () => (n += 1) });
  return core;
}

function pure(): BenchResult[] {
  const core = pureCore();
  const payload = new Uint8Array(64).fill(0x20);
  // 64 frames per chunk, as LiveKit hands over batched writes.
  const frame = encodeMessageDataFrame(2, 1n, payload);
  const chunk = new Uint8Array(frame.length * 64);
  for (let i = 0; i < 64; i++) chunk.set(frame, i * frame.length);
  const decoder = new FrameDecoder();
  const reliable = nsPerOp((n) => {
    for (let i = 0; i < n / 64; i++) {
      for (const f of decoder.push(chunk)) core.handleMessage(decodeServerFrame(f));
    }
  }, 640_000);
  const track = encodeDataTrackFrame(0, payload);
  const seq = new SequenceTracker();
  const lossy = nsPerOp((n) => {
    for (let i = 0; i < n; i++) {
      const d = decodeDataTrackFrame(track);
      core.handleDataTrackMessage(1, d.data, 1n, d.sequence, seq.observe(i));
    }
  }, 500_000);
  return [
    {
      name: "receive Reliable MessageData 64 B (deframe+decode+route)",
      value: reliable,
      unit: "ns/msg",
    },
    { name: "receive data-track frame 64 B (header+route)", value: lossy, unit: "ns/msg" },
  ];
}

async function endToEnd(): Promise<BenchResult[]> {
  const livekit = await startDevServer({ onProgress: () => {} });
  const context = new Context();
  const api = await startApiServer({
    devices: [TEST_DEVICE],
    livekit: { url: livekit.url, apiKey: livekit.apiKey, apiSecret: livekit.apiSecret },
  });
  const gateway = startGateway({
    deviceToken: TEST_DEVICE.token,
    foxgloveApiUrl: api.url,
    context,
    iceServers: livekit.iceServers,
    qosClassifier: (c) => ({ reliability: c.topic === "/rel" ? "reliable" : "lossy" }),
  });
  const rel = new RawChannel("/rel", { context, messageEncoding: "json" });
  const lossy = new RawChannel("/lossy", { context, messageEncoding: "json" });
  const results: BenchResult[] = [];
  try {
    await gateway.waitForStatus("connected");
    const t0 = performance.now();
    const viewer = await connectViewer({
      apiUrl: api.url,
      device: TEST_DEVICE.id,
      iceServers: livekit.iceServers,
    });
    results.push({
      name: "connectViewer via API server (wakes the device)",
      value: performance.now() - t0,
      unit: "ms",
    });
    const rtts: number[] = [];
    for (let i = 0; i < 20; i++) rtts.push(await viewer.ping());
    results.push({
      name: "ping round trip (loopback)",
      value: median(rtts),
      unit: "ms",
      detail: "median of 20",
    });

    const payload = new Uint8Array(64).fill(0x20);
    const total = 20_000;
    let got = 0;
    const done = new Promise<void>((resolve) =>
      viewer.subscribe("/rel", { onMessage: () => ++got === total && resolve() }),
    );
    while (!rel.hasSinks()) await new Promise((r) => setTimeout(r, 10));
    const start = performance.now();
    for (let i = 0; i < total; i++) {
      rel.log(payload);
      // Keep at most 512 messages in flight so the device's control queue (1024) never overflows.
      while (i + 1 - got > 512) await new Promise((r) => setTimeout(r, 1));
    }
    await deadline(done, 60_000, "reliable messages");
    results.push({
      name: "Reliable 64 B device -> viewer",
      value: total / ((performance.now() - start) / 1000),
      unit: "msg/s",
      detail: `${total} messages`,
    });

    let lossyGot = 0;
    viewer.subscribe("/lossy", { onMessage: () => (lossyGot += 1) });
    while (!lossy.hasSinks()) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 1000)); // data-track subscription settles
    const sent = 2000;
    const lStart = performance.now();
    for (let i = 0; i < sent; i++) {
      lossy.log(payload);
      await new Promise((r) => setTimeout(r, 1)); // ~1 kHz offered
    }
    await new Promise((r) => setTimeout(r, 500));
    const seconds = (performance.now() - lStart - 500) / 1000;
    results.push({
      name: "Lossy 64 B device -> viewer, delivered",
      value: (100 * lossyGot) / sent,
      unit: "%",
      detail: `${lossyGot}/${sent} at ${(sent / seconds).toFixed(0)} msg/s offered`,
    });
    await viewer.close();
  } finally {
    await gateway.stop();
    await api.stop();
    context.close();
    await livekit.stop();
    await shutdownLiveKit();
  }
  return results;
}

export default async function bench(): Promise<BenchResult[]> {
  return [...pure(), ...(await endToEnd())];
}
