// Reliable fan-out through the LiveKit adapter over a local livekit-server: one device room
// writes each message (the same bytes, as the session's framed broadcast) to N viewers' byte
// streams, through rtc-node's own writer (protobuf-es encoding, one FFI listener per pending
// write: the path before issue 15's fan-out rework) and through the hand-encoded direct path,
// alternating. Figure: process CPU per message fanned out (viewers run in the same process and
// cost the same in both variants, so the ratio understates the difference).
import { setDirectByteStreamWrites } from "../src/livekit/native.js";
import {
  connectRoom,
  mintDevToken,
  shutdownLiveKit,
  startDevServer,
  type ByteStreamSender,
  type LiveKitRoom,
} from "../src/livekit/index.js";
import { deadline, median, type BenchResult } from "./harness.js";

const ROUNDS = 3;
/** Messages per run: 1,000, or fewer so that each viewer receives at most 512 KiB. */
const messagesOf = (size: number) => Math.min(1_000, Math.floor((512 * 1024) / size));

async function fanOut(
  device: LiveKitRoom,
  viewers: LiveKitRoom[],
  size: number,
  direct: boolean,
  round: number,
): Promise<number> {
  const topic = `fanout-${viewers.length}-${size}-${direct ? "d" : "r"}-${round}`;
  const messages = messagesOf(size);
  const total = size * messages;
  let complete = 0;
  const handlers: { [Symbol.dispose](): void }[] = [];
  const done = new Promise<void>((resolve) => {
    for (const viewer of viewers) {
      const handler = viewer.onByteStream(topic, async (stream) => {
        let received = 0;
        for await (const chunk of stream) {
          received += chunk.byteLength;
          if (received >= total && ++complete === viewers.length) {
            resolve();
          }
        }
      });
      handlers.push(handler);
    }
  });
  setDirectByteStreamWrites(direct);
  const senders: ByteStreamSender[] = [];
  for (const viewer of viewers) {
    senders.push(
      await device.openByteStream({ topic, destinationIdentities: [viewer.localIdentity] }),
    );
  }
  setDirectByteStreamWrites(true);
  const message = new Uint8Array(size).fill(5);
  const cpu = process.cpuUsage();
  for (let i = 0; i < messages; i++) {
    for (const sender of senders) {
      void sender.write(message);
    }
    if (senders[0]!.bufferedBytes > 256 * 1024) {
      await Promise.all(senders.map((s) => s.flush())); // bound the queue, as the session does
    }
  }
  await deadline(done, 120_000, "fan-out delivery");
  const used = process.cpuUsage(cpu);
  await Promise.all(senders.map((s) => s.close()));
  handlers.forEach((h) => h[Symbol.dispose]());
  return (used.user + used.system) / messages;
}

export default async function fanoutBench(): Promise<BenchResult[]> {
  const server = await startDevServer();
  const results: BenchResult[] = [];
  try {
    const join = async (identity: string) =>
      await connectRoom(
        server.url,
        await mintDevToken({
          apiKey: server.apiKey,
          apiSecret: server.apiSecret,
          room: "fanout",
          identity,
        }),
        { iceServers: server.iceServers },
      );
    const device = await join("device");
    const viewers: LiveKitRoom[] = [];
    for (const viewerCount of [1, 4, 8]) {
      while (viewers.length < viewerCount) {
        viewers.push(await join(`viewer-${viewers.length}`));
      }
      for (const size of [64, 1024, 16 * 1024]) {
        const before: number[] = [];
        const after: number[] = [];
        const ratios: number[] = [];
        for (let r = 0; r < ROUNDS; r++) {
          const a = await fanOut(device, viewers, size, false, r);
          const b = await fanOut(device, viewers, size, true, r);
          before.push(a);
          after.push(b);
          ratios.push(b / a);
        }
        const label = `${viewerCount} viewer(s), ${size >= 1024 ? `${size / 1024} KiB` : `${size} B`}`;
        results.push({
          name: `fan-out ${label}: rtc-node writer`,
          value: median(before),
          unit: "µs CPU/msg",
        });
        results.push({
          name: `fan-out ${label}: direct`,
          value: median(after),
          unit: "µs CPU/msg",
          detail: `ratio direct / rtc-node ${median(ratios).toFixed(2)} (median of ${ROUNDS} alternating pairs)`,
        });
      }
    }
    for (const room of [device, ...viewers]) {
      await room.close();
    }
  } finally {
    await shutdownLiveKit();
    await server.stop();
  }
  return results;
}
