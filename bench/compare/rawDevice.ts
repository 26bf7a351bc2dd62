// The raw ceiling sender: a bare LiveKit participant (our adapter) that sends the bench payloads
// with no Foxglove protocol on top, speaking the device line protocol of reference_device.py.
// Lossy: data track "raw", one frame per payload (a full send queue drops the frame). Reliable: a
// byte stream "raw" to each viewer, 5-byte framed payloads, with back-pressure. Started by
// bench/compare/run.ts with BENCH_LIVEKIT_URL and BENCH_LIVEKIT_TOKEN in the environment.
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { setLogLevel } from "../../src/core/logger.js";
import { VERSION } from "../../src/core/version.js";
// connectRoom alone, as the gateway loads it (the adapter's index adds the dev-server helpers and
// livekit-server-sdk), so the bare adapter's RSS is comparable with our device's.
import { connectRoom } from "../../src/livekit/connectRoom.js";
import type { ByteStreamSender, LiveKitRoom, LocalDataTrack } from "../../src/livekit/index.js";
import { encodeBinaryFrame } from "../../src/protocol/index.js";
import { RAW_TOPIC } from "./BenchViewer.js";
import { Phase, scheduleTick, wallNanos, writePayload } from "./payload.js";
import { cpuSeconds, emit, peakRssBytes, resetPeakRss } from "./processStats.js";
import { PAYLOAD_HEADER_BYTES, type Qos } from "./workload.js";

const WARM_INTERVAL_MS = 20;
const MAX_BATCH = 512;
/** Reliable: wait for LiveKit to take the data once this much is buffered for a viewer. */
const MAX_BUFFERED_BYTES = 1 << 20;

const { values } = parseArgs({
  options: {
    topic: { type: "string" },
    qos: { type: "string", default: "lossy" },
    name: { type: "string" },
    "log-level": { type: "string", default: "warn" },
  },
});
const qos = values.qos as Qos;
const url = process.env.BENCH_LIVEKIT_URL;
const token = process.env.BENCH_LIVEKIT_TOKEN;
if ((qos !== "lossy" && qos !== "reliable") || !url || !token) {
  emit("error", { message: "bad arguments or missing BENCH_LIVEKIT_URL / BENCH_LIVEKIT_TOKEN" });
  process.exit(2);
}
setLogLevel(values["log-level"] as "debug" | "info" | "warn" | "error");
emit("started", { impl: "raw", version: VERSION, pid: process.pid });
emit("status", { status: "Connecting" });

const senders = new Map<string, ByteStreamSender>();
let track: LocalDataTrack | undefined;
const joined: { room?: LiveKitRoom } = {};

const room = await connectRoom(url, token, {
  listener: {
    onParticipantActive: async (p) => {
      if (qos === "reliable") {
        const sender = await joined.room!.openByteStream({
          topic: RAW_TOPIC,
          destinationIdentities: [p.identity],
        });
        senders.set(p.identity, sender);
      }
      emit("subscribers", { count: joined.room!.remoteParticipants().length });
    },
  },
});
joined.room = room;
if (qos === "lossy") track = await room.publishDataTrack(RAW_TOPIC);
emit("status", { status: "Connected" });

/** Sends one payload; resolves when a reliable viewer's buffer is below the limit again. */
function send(payload: Uint8Array): Promise<void> | undefined {
  if (track !== undefined) {
    track.tryPush(payload);
    return undefined;
  }
  const frame = encodeBinaryFrame(payload);
  let wait: Promise<void> | undefined;
  for (const s of senders.values()) {
    void s.write(frame).catch(() => {});
    if (s.bufferedBytes > MAX_BUFFERED_BYTES) wait = s.flush();
  }
  return wait;
}

let warmTimer: NodeJS.Timeout | undefined;
let warmSeq = 0;

/** One payload buffer, reused like ourDevice.ts's (the adapter copies what it sends). */
let payload = new Uint8Array(0);

function nextPayload(size: number, seq: number, phase: number): Uint8Array {
  if (payload.byteLength !== size) payload = new Uint8Array(size);
  return writePayload(payload, seq, wallNanos(), phase);
}

function run(size: number, rate: number, seconds: number): Promise<Record<string, number>> {
  return new Promise((resolve) => {
    resetPeakRss();
    const cpu0 = cpuSeconds();
    const t0 = performance.now();
    let sent = 0;
    const tick = () => {
      const elapsed = (performance.now() - t0) / 1000;
      if (elapsed >= seconds) {
        resolve({
          sent,
          seconds: (performance.now() - t0) / 1000,
          cpuSeconds: cpuSeconds() - cpu0,
          peakRssBytes: peakRssBytes(),
        });
        return;
      }
      const due = rate > 0 ? Math.floor(elapsed * rate) + 1 : sent + MAX_BATCH;
      const stop = Math.min(due, sent + MAX_BATCH);
      let wait: Promise<void> | undefined;
      while (sent < stop && wait === undefined) {
        wait = send(nextPayload(size, sent++, Phase.Measured));
      }
      if (wait !== undefined) void wait.then(tick, tick);
      else scheduleTick(tick, sent, rate > 0 && sent >= due ? rate : 0, t0); // as ourDevice.ts
    };
    tick();
  });
}

function parseSize(text: string | undefined): number {
  const size = Number(text);
  if (!Number.isInteger(size) || size < PAYLOAD_HEADER_BYTES) {
    throw new RangeError(`size must be an integer >= ${PAYLOAD_HEADER_BYTES}`);
  }
  return size;
}

async function handle(line: string): Promise<void> {
  if (warmTimer !== undefined) {
    clearInterval(warmTimer);
    warmTimer = undefined;
    emit("warmed", { sent: warmSeq });
  }
  const [cmd = "", ...rest] = line.split(/\s+/).filter((w) => w !== "");
  try {
    switch (cmd) {
      case "warm": {
        const size = parseSize(rest[0]);
        const interval = rest[1] === undefined ? WARM_INTERVAL_MS : Number(rest[1]);
        if (!(interval > 0)) throw new RangeError("the warm-up interval must be > 0");
        warmSeq = 0;
        warmTimer = setInterval(
          () => void send(nextPayload(size, warmSeq++, Phase.Warm)),
          interval,
        );
        return;
      }
      case "run": {
        const size = parseSize(rest[0]);
        const rate = Number(rest[1]);
        const seconds = Number(rest[2]);
        if (!(rate >= 0) || !(seconds > 0)) throw new RangeError("bad rate or seconds");
        emit("result", await run(size, rate, seconds));
        return;
      }
      case "idle":
        return;
      case "stop":
        await shutdown();
        return;
      case "":
        return;
      default:
        emit("error", { message: `unknown command ${JSON.stringify(cmd)}` });
    }
  } catch (error) {
    emit("error", { message: `bad command ${JSON.stringify(line)}: ${String(error)}` });
  }
}

let stopping = false;
async function shutdown(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await room.close();
  emit("stopped", { cpuSeconds: cpuSeconds(), peakRssBytes: peakRssBytes() });
  process.exit(0);
}

const lines = createInterface({ input: process.stdin });
let queue: Promise<void> = Promise.resolve();
lines.on("line", (line) => {
  queue = queue.then(() => handle(line));
});
lines.on("close", () => {
  queue = queue.then(() => shutdown());
});
