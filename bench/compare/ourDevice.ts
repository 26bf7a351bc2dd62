// Benchmark device program for OUR gateway: the TypeScript twin of reference_device.py, with the
// same arguments, stdin commands and stdout events (see that file's docstring). Started by
// bench/compare/run.ts as `node --import tsx bench/compare/ourDevice.ts --qos ... --name ...`.
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { setTimeout as sleep } from "node:timers/promises";
import { parseArgs } from "node:util";
import { getHeapSpaceStatistics } from "node:v8";
import { constants, PerformanceObserver, type PerformanceEntry } from "node:perf_hooks";
import { Context } from "../../src/core/Context.js";
import { setLogLevel } from "../../src/core/logger.js";
import { RawChannel } from "../../src/core/RawChannel.js";
import { VERSION } from "../../src/core/version.js";
import { startGateway, type ConnectionStatus } from "../../src/gateway/index.js";
import { BENCH_TOPIC, PAYLOAD_HEADER_BYTES, type Qos } from "./workload.js";
import { Phase, scheduleTick, wallNanos, writePayload } from "./payload.js";
import { cpuSeconds, emit, peakRssBytes, resetPeakRss } from "./processStats.js";

const STATUS_NAMES: Record<ConnectionStatus, string> = {
  connecting: "Connecting",
  connected: "Connected",
  shuttingDown: "ShuttingDown",
  shutdown: "Shutdown",
};
const WARM_INTERVAL_MS = 20;
/** Most messages logged per event-loop turn, so the session's I/O keeps running. */
const MAX_BATCH = 512;

const { values } = parseArgs({
  options: {
    topic: { type: "string", default: BENCH_TOPIC },
    qos: { type: "string", default: "lossy" },
    name: { type: "string", default: "bench-ours" },
    backlog: { type: "string" },
    "log-level": { type: "string", default: "warn" },
    "cloud-schema": { type: "string" },
    "cloud-method": { type: "string" },
    "cloud-bits": { type: "string" },
    "cloud-encoders": { type: "string" },
  },
});
const qos = values.qos as Qos;
if (qos !== "lossy" && qos !== "reliable") {
  emit("error", { message: "bad arguments" });
  process.exit(2);
}
setLogLevel(values["log-level"] as "debug" | "info" | "warn" | "error");

const context = new Context();
const channel = new RawChannel(values.topic, {
  context,
  messageEncoding: "bench",
  schema: {
    name: "bench.Payload",
    encoding: "bench",
    data: new TextEncoder().encode(
      "u64 seq, u64 log time ns, u8 phase, zero filler (little-endian)",
    ),
  },
});
/** /cloud: a Lossy raw protobuf `foxglove.PointCloud` channel, with --cloud-schema (for cloudrun). */
const CLOUD_TOPIC = "/cloud";
const cloudChannel =
  values["cloud-schema"] === undefined
    ? undefined
    : new RawChannel(CLOUD_TOPIC, {
        context,
        messageEncoding: "protobuf",
        schema: {
          name: "foxglove.PointCloud",
          encoding: "protobuf",
          data: readFileSync(values["cloud-schema"]),
        },
      });
const cloudMethod = values["cloud-method"];
const cloudBits = values["cloud-bits"];
let subscribers = 0;
emit("started", { impl: "ours", version: VERSION, pid: process.pid });
const gateway = startGateway({
  name: values.name,
  context,
  qosClassifier: (ch) => ({ reliability: ch.topic === CLOUD_TOPIC ? "lossy" : qos }),
  ...(cloudMethod !== undefined || cloudBits !== undefined
    ? {
        pointCloudCompression: {
          method: cloudMethod === "sequential" ? "sequential" : "kdTree",
          quantizationBits: Number(cloudBits ?? 12),
        },
      }
    : {}),
  ...(values.backlog !== undefined ? { messageBacklogSize: Number(values.backlog) } : {}),
  ...(values["cloud-encoders"] !== undefined
    ? { pointCloudEncoders: Number(values["cloud-encoders"]) }
    : {}),
  listener: {
    onConnectionStatusChanged: (s) => emit("status", { status: STATUS_NAMES[s] }),
    onSubscribe: (_client, ch) => {
      if (ch.topic === values.topic || ch.topic === CLOUD_TOPIC) {
        emit("subscribers", { count: ++subscribers });
      }
    },
    onUnsubscribe: (_client, ch) => {
      if (ch.topic === values.topic || ch.topic === CLOUD_TOPIC) {
        emit("subscribers", { count: --subscribers });
      }
    },
  },
});

let warmTimer: NodeJS.Timeout | undefined;
let warmSeq = 0;

/** One payload buffer, reused like reference_device.py's: the gateway copies what it keeps. */
let payload = new Uint8Array(0);

function logOne(size: number, seq: number, phase: number): void {
  const now = wallNanos();
  if (payload.byteLength !== size) payload = new Uint8Array(size);
  channel.log(writePayload(payload, seq, now, phase), { logTime: now });
}

/**
 * Logs `size`-byte messages at `rate` msgs/s (0 = as fast as possible) for `seconds`, yielding to
 * I/O between batches.
 */
function run(size: number, rate: number, seconds: number): Promise<Record<string, number>> {
  return new Promise((resolve) => {
    resetPeakRss();
    const sampler = memorySampler();
    const cpu0 = cpuSeconds();
    const t0 = performance.now();
    let sent = 0;
    const tick = () => {
      const elapsed = (performance.now() - t0) / 1000;
      if (elapsed >= seconds) {
        sampler?.stop(`run ${size} ${rate} ${seconds}`);
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
      while (sent < stop) logOne(size, sent++, Phase.Measured);
      // Ahead of schedule at a paced rate: wait until the next message is due.
      scheduleTick(tick, sent, rate > 0 && sent >= due ? rate : 0, t0);
    };
    tick();
  });
}

/**
 * With BENCH_DEVICE_MEMORY=1 in the environment: samples `process.memoryUsage()` and V8's heap
 * spaces every 50 ms of a measured phase and prints their peaks to stderr (`--verbose` shows
 * them), to see which part of the device's RSS grows under load.
 */
function memorySampler(): { stop(label: string): void } | undefined {
  if (process.env.BENCH_DEVICE_MEMORY !== "1") return undefined;
  const peak: Record<string, number> = {};
  const max = (key: string, value: number) => {
    if (!(value <= (peak[key] ?? -1))) peak[key] = value;
  };
  const sample = () => {
    const usage: Record<string, number> = { ...process.memoryUsage() };
    for (const [key, value] of Object.entries(usage)) max(key, value);
    for (const s of getHeapSpaceStatistics()) {
      max(`${s.space_name}.size`, s.space_size);
      max(`${s.space_name}.used`, s.space_used_size);
    }
  };
  const gcs: Record<string, number> = {};
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const kind = (e as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind ?? 0;
      const name = kind === constants.NODE_PERFORMANCE_GC_MINOR ? "scavenges" : `gc${kind}`;
      gcs[name] = (gcs[name] ?? 0) + 1;
    }
  });
  observer.observe({ entryTypes: ["gc"] });
  sample();
  const timer = setInterval(sample, 50);
  return {
    stop(label) {
      clearInterval(timer);
      observer.disconnect();
      sample();
      const mib = Object.fromEntries(
        Object.entries(peak).map(([k, v]) => [k, Math.round((v / 2 ** 20) * 10) / 10]),
      );
      process.stderr.write(
        `memory ${label} peakMiB ${JSON.stringify(mib)} ${JSON.stringify(gcs)}\n`,
      );
      process.stderr.write(`memory ${label} rssByMapping ${JSON.stringify(rssByMapping())}\n`);
    },
  };
}

/** Resident MiB of this process by mapping (Linux /proc/self/smaps; anonymous maps as "anon"). */
function rssByMapping(): Record<string, number> {
  const kib: Record<string, number> = {};
  let name = "";
  try {
    for (const line of readFileSync("/proc/self/smaps", "utf8").split("\n")) {
      const head = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
      if (head !== null) {
        name = head[1]?.split("/").at(-1) || "anon";
        continue;
      }
      const rss = /^Rss:\s+(\d+) kB/.exec(line);
      if (rss !== null) kib[name] = (kib[name] ?? 0) + Number(rss[1]);
    }
  } catch {
    return {};
  }
  return Object.fromEntries(
    Object.entries(kib)
      .filter(([, v]) => v >= 512)
      .sort((a, b) => b[1] - a[1])
      .map(([k, v]) => [k, Math.round((v / 1024) * 10) / 10]),
  );
}

/**
 * Logs the bytes of `file` on /cloud at `rate` clouds/s for `seconds`, waits 1 s for the encoder
 * to finish, and reports (cpuSeconds includes that second), like reference_device.py.
 */
async function cloudRun(
  file: string,
  rate: number,
  seconds: number,
): Promise<Record<string, number>> {
  if (cloudChannel === undefined) throw new RangeError("start with --cloud-schema for cloudrun");
  const data = readFileSync(file);
  resetPeakRss();
  const cpu0 = cpuSeconds();
  const t0 = performance.now();
  let sent = 0;
  for (;;) {
    const elapsed = (performance.now() - t0) / 1000;
    if (elapsed >= seconds) break;
    if (sent <= elapsed * rate) {
      cloudChannel.log(data, { logTime: wallNanos() });
      sent++;
    } else {
      await sleep(Math.min(5, (sent / rate - elapsed) * 1000));
    }
  }
  const ran = (performance.now() - t0) / 1000;
  await sleep(1000);
  return { sent, seconds: ran, cpuSeconds: cpuSeconds() - cpu0, peakRssBytes: peakRssBytes() };
}

const lines = createInterface({ input: process.stdin });
let queue: Promise<void> = Promise.resolve();
let stopping = false;

/** Parses a payload size of at least 17 bytes (the payload header). */
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
        warmTimer = setInterval(() => logOne(size, warmSeq++, Phase.Warm), interval);
        return;
      }
      case "run": {
        const size = parseSize(rest[0]);
        const rate = Number(rest[1]);
        const seconds = Number(rest[2]);
        if (!(rate >= 0) || !(seconds > 0)) {
          throw new RangeError("rate must be >= 0 and seconds > 0");
        }
        emit("result", await run(size, rate, seconds));
        return;
      }
      case "cloudrun": {
        const rate = Number(rest[1]);
        const seconds = Number(rest[2]);
        if (rest[0] === undefined || !(rate > 0) || !(seconds > 0)) {
          throw new RangeError("cloudrun FILE RATE SECONDS, rate and seconds > 0");
        }
        emit("result", await cloudRun(rest[0], rate, seconds));
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

async function shutdown(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await gateway.stop();
  emit("stopped", { cpuSeconds: cpuSeconds(), peakRssBytes: peakRssBytes() });
  process.exit(0);
}

lines.on("line", (line) => {
  queue = queue.then(() => handle(line));
});
lines.on("close", () => {
  queue = queue.then(() => shutdown());
});
