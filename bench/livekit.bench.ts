// LiveKit adapter over a local livekit-server on loopback: join time, control byte-stream
// throughput, data-track frame rate, and the cost of handing raw video frames to the encoder.
import {
  connectRoom,
  mintDevToken,
  shutdownLiveKit,
  startDevServer,
  type LiveKitRoom,
} from "../src/livekit/index.js";
import { deadline, median, type BenchResult } from "./harness.js";

async function byteStreamThroughput(
  from: LiveKitRoom,
  to: LiveKitRoom,
  messageBytes: number,
  totalBytes: number,
): Promise<{ mbPerS: number; msgPerS: number }> {
  const topic = `bench-${messageBytes}`;
  let received = 0;
  const done = new Promise<void>((resolve) => {
    to.onByteStream(topic, async (stream) => {
      for await (const chunk of stream) {
        received += chunk.byteLength;
        if (received >= totalBytes) {
          resolve();
        }
      }
    });
  });
  const sender = await from.openByteStream({ topic, destinationIdentities: [to.localIdentity] });
  const message = new Uint8Array(messageBytes).fill(7);
  const count = Math.ceil(totalBytes / messageBytes);
  const start = process.hrtime.bigint();
  for (let i = 0; i < count; i++) {
    void sender.write(message);
    if (sender.bufferedBytes > 1 << 20) {
      await sender.flush(); // bound what is queued, as the gateway does
    }
  }
  await deadline(done, 60_000, "byte stream");
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  await sender.close();
  return { mbPerS: received / seconds / 1e6, msgPerS: count / seconds };
}

/** Pushes `rate` frames/s for `seconds` (in 10 ms ticks) and counts what the subscriber gets. */
async function dataTrackDelivery(
  from: LiveKitRoom,
  to: LiveKitRoom,
  frameBytes: number,
  rate: number,
  seconds: number,
): Promise<{ sent: number; received: number; queueFull: number }> {
  const name = `data-ch-bench-${frameBytes}-${rate}`;
  const published = new Promise<void>((resolve) => {
    to.addListener({
      onDataTrackPublished: (t) => {
        if (t.name === name) resolve();
      },
    });
  });
  const local = await from.publishDataTrack(name);
  await deadline(published, 10_000, "data track published");
  const remote = to.remoteDataTracks().find((t) => t.name === name);
  if (remote === undefined) {
    throw new Error("remote data track missing");
  }
  const sub = remote.subscribe({ bufferSize: 64, queueSize: 64 });
  let received = 0;
  const reading = (async () => {
    for await (const frame of sub) {
      received += frame.payload.byteLength > 0 ? 1 : 0;
    }
  })();
  await deadline(
    (async () => {
      while (received === 0) {
        local.tryPush(new Uint8Array(1));
        await new Promise((r) => setTimeout(r, 20));
      }
    })(),
    10_000,
    "data track subscription",
  );
  received = 0;
  const payload = new Uint8Array(frameBytes).fill(3);
  let sent = 0;
  let queueFull = 0;
  const perTick = rate / 100;
  const start = Date.now();
  for (let tick = 0; tick < seconds * 100; tick++) {
    while (sent < (tick + 1) * perTick) {
      if (local.tryPush(payload, BigInt(sent)) === "queueFull") {
        queueFull += 1;
      }
      sent += 1;
    }
    const wait = start + (tick + 1) * 10 - Date.now();
    await new Promise((r) => setTimeout(r, Math.max(0, wait)));
  }
  await new Promise((r) => setTimeout(r, 300)); // let in-flight frames land
  sub.close();
  await reading;
  local.unpublish();
  return { sent, received, queueFull };
}

export default async function livekitBench(): Promise<BenchResult[]> {
  const server = await startDevServer();
  const results: BenchResult[] = [];
  try {
    const token = (identity: string) =>
      mintDevToken({ apiKey: server.apiKey, apiSecret: server.apiSecret, room: "bench", identity });
    const joins: number[] = [];
    const rooms: LiveKitRoom[] = [];
    for (const identity of ["device", "viewer", "probe"]) {
      const t = await token(identity);
      const start = process.hrtime.bigint();
      rooms.push(await connectRoom(server.url, t, { iceServers: server.iceServers }));
      joins.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
    const [device, viewer, probe] = rooms as [LiveKitRoom, LiveKitRoom, LiveKitRoom];
    await probe.close();
    results.push({
      name: "join a room (connectRoom)",
      value: median(joins),
      unit: "ms",
      detail: "median of 3",
    });

    const small = await byteStreamThroughput(device, viewer, 100, 2_000_000);
    results.push({
      name: "control byte stream, 100 B messages",
      value: small.msgPerS,
      unit: "msg/s",
      detail: `${small.mbPerS.toFixed(1)} MB/s, batched writes`,
    });
    const large = await byteStreamThroughput(device, viewer, 64 * 1024, 20_000_000);
    results.push({
      name: "control byte stream, 64 KiB messages",
      value: large.mbPerS,
      unit: "MB/s",
    });

    for (const [size, rate] of [
      [1024, 1000],
      [1024, 5000],
      [100 * 1024, 30],
    ] as const) {
      const r = await dataTrackDelivery(device, viewer, size, rate, 2);
      results.push({
        name: `data track ${size / 1024} KiB frames at ${rate}/s`,
        value: (100 * r.received) / r.sent,
        unit: "% delivered",
        detail: `${r.received}/${r.sent}, ${r.queueFull} refused as queue-full`,
      });
    }

    const pub = await device.publishVideo("video-ch-bench", { width: 640, height: 480 });
    const rgba = new Uint8Array(640 * 480 * 4).fill(128);
    const samples: number[] = [];
    for (let i = 0; i < 60; i++) {
      const start = process.hrtime.bigint();
      pub.captureFrame({ data: rgba, width: 640, height: 480, format: "rgba" });
      samples.push(Number(process.hrtime.bigint() - start) / 1e3);
    }
    results.push({ name: "captureFrame 640x480 RGBA", value: median(samples), unit: "µs/frame" });
    await pub.unpublish();
    await device.close();
    await viewer.close();
  } finally {
    await server.stop();
    await shutdownLiveKit();
  }
  return results;
}
