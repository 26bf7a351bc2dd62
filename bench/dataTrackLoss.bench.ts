// Where lossy frames go between LocalDataTrack and a subscriber, on two bare participants of the
// LiveKit adapter (local livekit-server, no Foxglove protocol). Counts the frames LiveKit's
// data-track sender evicts (its trace record "evicted oldest queued data-track frame", captured
// through the FFI log forwarding) next to the frames that arrive, for unpaced `tryPush` and the
// paced `offer` (DataTrackPacer), alternating, at 1,000 frames/s in 1 ms timer ticks (late ticks
// send the frames due: bursts) and as fast as possible (batches of 512 per event-loop turn).
import { getLogLevel, setLogger, setLogLevel, type Logger } from "../src/core/logger.js";
import {
  connectRoom,
  mintDevToken,
  shutdownLiveKit,
  startDevServer,
  type LiveKitRoom,
  type LocalDataTrack,
} from "../src/livekit/index.js";
import { deadline, median, type BenchResult } from "./harness.js";

const SECONDS = 2;
const REPEATS = 3;
const SIZE = 64;

let evicted = 0;

interface Run {
  offered: number;
  received: number;
  evicted: number;
  cpuUsPerOffered: number;
}

async function run(
  track: LocalDataTrack,
  received: () => number,
  paced: boolean,
  rate: number,
): Promise<Run> {
  const payload = new Uint8Array(SIZE).fill(1);
  await new Promise((r) => setTimeout(r, 300)); // let the previous run drain
  const received0 = received();
  evicted = 0;
  let offered = 0;
  let cpu = 0;
  const push = () => {
    if (paced) track.offer(undefined, payload, BigInt(offered));
    else track.tryPush(payload, BigInt(offered));
    offered += 1;
  };
  const t0 = performance.now();
  await new Promise<void>((resolve) => {
    const tick = () => {
      const elapsed = (performance.now() - t0) / 1000;
      if (elapsed >= SECONDS) return resolve();
      const c0 = process.cpuUsage();
      if (rate > 0) {
        const due = Math.floor(elapsed * rate) + 1;
        while (offered < due) push();
      } else {
        for (let i = 0; i < 512; i++) push();
      }
      const c = process.cpuUsage(c0);
      cpu += c.user + c.system;
      if (rate > 0) setTimeout(tick, 1);
      else setImmediate(tick);
    };
    tick();
  });
  await new Promise((r) => setTimeout(r, 500)); // in-flight frames land
  return {
    offered,
    received: received() - received0,
    evicted,
    cpuUsPerOffered: cpu / offered,
  };
}

export default async function dataTrackLossBench(): Promise<BenchResult[]> {
  const level = getLogLevel();
  const counting: Logger = {
    debug: (...args: unknown[]) => {
      if (args.some((a) => String(a).includes("evicted oldest queued data-track frame"))) {
        evicted += 1;
      }
    },
    info: () => {},
    warn: () => {},
    error: () => {},
  };
  setLogger(counting);
  setLogLevel("debug"); // the trace records arrive at our debug level
  const server = await startDevServer();
  const rooms: LiveKitRoom[] = [];
  try {
    const token = (identity: string) =>
      mintDevToken({ apiKey: server.apiKey, apiSecret: server.apiSecret, room: "loss", identity });
    for (const identity of ["sender", "receiver"]) {
      rooms.push(
        await connectRoom(server.url, await token(identity), { iceServers: server.iceServers }),
      );
    }
    const [sender, receiver] = rooms as [LiveKitRoom, LiveKitRoom];
    const announced = new Promise<void>((resolve) =>
      receiver.addListener({ onDataTrackPublished: () => resolve() }),
    );
    const track = await sender.publishDataTrack("loss");
    await deadline(announced, 10_000, "data track announced");
    const remote = receiver.remoteDataTracks().find((t) => t.name === "loss")!;
    const subscription = remote.subscribe({ bufferSize: 256, queueSize: 256 });
    let count = 0;
    const reading = (async () => {
      for await (const frame of subscription) count += frame.payload.byteLength > 0 ? 1 : 0;
    })();
    await deadline(
      (async () => {
        while (count === 0) {
          track.tryPush(new Uint8Array(SIZE));
          await new Promise((r) => setTimeout(r, 20));
        }
      })(),
      10_000,
      "first frame",
    );
    const results: BenchResult[] = [];
    for (const rate of [1000, 0]) {
      const runs: Record<"tryPush" | "offer", Run[]> = { tryPush: [], offer: [] };
      for (let r = 0; r < REPEATS; r++) {
        runs.tryPush.push(await run(track, () => count, false, rate));
        runs.offer.push(await run(track, () => count, true, rate));
      }
      for (const [how, list] of Object.entries(runs)) {
        const lost = list.map((x) => (100 * (x.offered - x.received)) / x.offered);
        const label = rate > 0 ? `${rate}/s in 1 ms ticks` : "max rate";
        results.push({
          name: `${SIZE} B frames ${label}, ${how}: lost`,
          value: median(lost),
          unit: "%",
          detail:
            `per run lost ${lost.map((l) => l.toFixed(1)).join(" / ")} %; evicted in LiveKit ` +
            `${list.map((x) => x.evicted).join(" / ")}; arrived/s ` +
            `${list.map((x) => Math.round(x.received / SECONDS)).join(" / ")}; process CPU µs per offered ` +
            `frame during the push loop ${list.map((x) => x.cpuUsPerOffered.toFixed(2)).join(" / ")}`,
        });
      }
    }
    subscription.close();
    await reading;
    return results;
  } finally {
    for (const room of rooms) await room.close();
    await shutdownLiveKit();
    setLogLevel(level);
    setLogger(console);
  }
}
