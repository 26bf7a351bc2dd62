// End to end through a local livekit-server, the API server, a woken gateway and a viewer built on
// the viewer library: delivered rates per channel kind and size, log()-to-viewer latency, and the
// device's memory while one viewer process is stopped (SIGSTOP) for 30 s.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { startApiServer, TEST_DEVICE } from "../src/api-server/index.js";
import { Context } from "../src/core/Context.js";
import { RawChannel } from "../src/core/RawChannel.js";
import { setLogger } from "../src/core/logger.js";
import { nowNanos } from "../src/core/time.js";
import type { Session } from "../src/gateway/session/Session.js";
import { sessionJoiner } from "../src/gateway/sessionJoiner.js";
import { startGateway } from "../src/gateway/startGateway.js";
import { shutdownLiveKit, startDevServer } from "../src/livekit/index.js";
import { connectViewer, type Viewer } from "../src/viewer/index.js";
import { deadline, percentile, type BenchResult } from "./harness.js";

const SIZES = [64, 1024, 64 * 1024] as const;
const RELIABLE_SECONDS = 3;
const LOSSY_STEP_SECONDS = 2;
/** Offered Lossy rates tried per size, msg/s, lowest first. */
const LOSSY_LADDER: Record<number, number[]> = {
  64: [500, 1000, 2000, 4000, 8000, 16000],
  1024: [500, 1000, 2000, 4000, 8000, 16000],
  65536: [25, 50, 100, 200, 400],
};
/** The ladder stops once a step delivers less than this factor times the best so far. */
const GAIN = 1.05;
const STOP_SECONDS = 30;

const label = (size: number) => (size >= 1024 ? `${size / 1024} KiB` : `${size} B`);
const mbps = (msgs: number, size: number, seconds: number) => (msgs * size) / seconds / 1e6;

const tick = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Counts a viewer subscription's arrivals, with latency samples and a way to await progress. */
class Counter {
  received = 0;
  latenciesMs: number[] = [];
  #wake: (() => void) | undefined;
  constructor(viewer: Viewer, topic: string) {
    viewer.subscribe(topic, {
      onMessage: (m) => {
        this.received += 1;
        this.latenciesMs.push(Number(nowNanos() - m.logTime) / 1e6);
        this.#wake?.();
      },
    });
  }
  /** Resolves at the next arrival. */
  next(): Promise<void> {
    return new Promise((resolve) => (this.#wake = resolve));
  }
  reset(): void {
    this.received = 0;
    this.latenciesMs = [];
  }
}

/** Reliable: as fast as delivery allows, with a bounded window so the device's queue never overflows. */
async function reliableRate(ch: RawChannel, c: Counter, size: number): Promise<BenchResult[]> {
  const payload = new Uint8Array(size).fill(0x20);
  const window = Math.max(8, Math.min(512, Math.floor((4 << 20) / size)));
  c.reset();
  let sent = 0;
  const start = performance.now();
  while (performance.now() - start < RELIABLE_SECONDS * 1000) {
    while (sent - c.received < window) {
      ch.log(payload);
      sent += 1;
    }
    await deadline(c.next(), 30_000, `reliable ${size}`);
  }
  while (c.received < sent) await deadline(c.next(), 30_000, `reliable ${size} drain`);
  const seconds = (performance.now() - start) / 1000;
  return [
    {
      name: `Reliable ${label(size)} delivered`,
      value: c.received / seconds,
      unit: "msg/s",
      detail: `${mbps(c.received, size, seconds).toFixed(2)} MB/s; window ${window} msgs, ${RELIABLE_SECONDS} s`,
    },
  ];
}

/**
 * Lossy: offered rates up the ladder, each for a few seconds; the step that delivers the most
 * messages per second is reported (the ladder stops once delivery no longer grows by 5%).
 */
async function lossyRate(ch: RawChannel, c: Counter, size: number): Promise<BenchResult[]> {
  const payload = new Uint8Array(size).fill(0x20);
  let best = { offered: 0, delivered: 0, share: 0 };
  for (const rate of LOSSY_LADDER[size] ?? []) {
    c.reset();
    let sent = 0;
    const start = performance.now();
    while (performance.now() - start < LOSSY_STEP_SECONDS * 1000) {
      const due = Math.floor(((performance.now() - start) / 1000) * rate);
      for (; sent < due; sent++) ch.log(payload);
      await tick(2);
    }
    const seconds = (performance.now() - start) / 1000;
    await tick(500); // let frames in transit arrive
    const delivered = c.received / seconds;
    if (delivered > best.delivered) {
      const grew = delivered >= best.delivered * GAIN;
      best = { offered: rate, delivered, share: c.received / sent };
      if (!grew) break;
    } else {
      break;
    }
  }
  return [
    {
      name: `Lossy ${label(size)} delivered`,
      value: best.delivered,
      unit: "msg/s",
      detail: `${mbps(best.delivered, size, 1).toFixed(2)} MB/s at ${best.offered} msg/s offered, ${(best.share * 100).toFixed(0)}% arrived`,
    },
  ];
}

/** Latency log() -> viewer at a quarter of the measured capacity (at most 200 msg/s), p50 and p99. */
async function latency(ch: RawChannel, c: Counter, size: number, kind: string, capacity: number) {
  const payload = new Uint8Array(size).fill(0x20);
  const rate = Math.max(5, Math.min(200, Math.round(capacity / 4)));
  c.reset();
  let sent = 0;
  const start = performance.now();
  const ms = Math.min(10_000, Math.max(2000, (100 / rate) * 1000)); // about 100 samples or more
  while (performance.now() - start < ms) {
    const due = Math.floor(((performance.now() - start) / 1000) * rate);
    for (; sent < due; sent++) ch.log(payload);
    await tick(2);
  }
  await tick(500);
  const l = c.latenciesMs;
  if (l.length === 0) return [];
  return [
    {
      name: `latency ${kind} ${label(size)} p50`,
      value: percentile(l, 50),
      unit: "ms",
      detail: `${l.length} msgs at ${rate} msg/s`,
    },
    { name: `latency ${kind} ${label(size)} p99`, value: percentile(l, 99), unit: "ms" },
  ];
}

/** Device memory while a viewer process is stopped for 30 s and the device logs 2 MB/s. */
async function stoppedViewer(
  apiUrl: string,
  ice: unknown,
  rel: RawChannel,
  lossy: RawChannel,
  unsubscribes: readonly number[],
  stillAdmitted: () => boolean,
): Promise<BenchResult[]> {
  const script = fileURLToPath(new URL("./e2eSlowViewer.ts", import.meta.url));
  const child = spawn(
    process.execPath,
    ["--import", "tsx", script, apiUrl, JSON.stringify(ice)],
    { stdio: ["ignore", "pipe", "ignore"] }, // its LiveKit reconnect noise is not of interest
  );
  try {
    let ready = false;
    let exited = false;
    child.stdout.on("data", (d: Buffer) => (ready ||= d.toString().includes("ready")));
    child.on("exit", () => (exited = true));
    // The viewer reports ready once both channels delivered: keep logging until then.
    const readyBy = performance.now() + 60_000;
    while (!ready) {
      if (exited || performance.now() > readyBy) throw new Error("bench: slow viewer not ready");
      rel.log(new Uint8Array(1024));
      lossy.log(new Uint8Array(1024));
      await tick(5);
    }
    const payload = new Uint8Array(1024).fill(0x20);
    const mem = () => process.memoryUsage();
    const MB = 1024 * 1024;
    const first = mem();
    let peakRss = first.rss;
    let peakHeap = first.heapUsed;
    const before = unsubscribes.length;
    const resets: number[] = [];
    const forward =
      (level: "debug" | "info" | "warn" | "error") =>
      (...args: unknown[]) => {
        if (args.some((a) => /viewer stopped-viewer.*resetting it/.test(String(a)))) {
          resets.push(performance.now());
        }
        console[level](...args);
      };
    setLogger({
      debug: forward("debug"),
      info: forward("info"),
      warn: forward("warn"),
      error: forward("error"),
    });
    child.kill("SIGSTOP");
    const start = performance.now();
    let sent = 0;
    let lastSample = start;
    while (performance.now() - start < STOP_SECONDS * 1000) {
      const due = Math.floor((performance.now() - start) * 1); // 1000 msg/s per channel
      for (; sent < due; sent++) {
        rel.log(payload);
        lossy.log(payload);
      }
      if (performance.now() - lastSample > 250) {
        lastSample = performance.now();
        const m = mem();
        peakRss = Math.max(peakRss, m.rss);
        peakHeap = Math.max(peakHeap, m.heapUsed);
      }
      await tick(2);
    }
    const end = mem();
    setLogger(console);
    const admitted = stillAdmitted();
    const resetAt = resets.map((t) => ((t - start) / 1000).toFixed(1));
    child.kill("SIGCONT");
    const ended = unsubscribes.slice(before).map((t) => ((t - start) / 1000).toFixed(1));
    const detail = (a: number, p: number, e: number) =>
      `start ${(a / MB).toFixed(0)} / peak ${(p / MB).toFixed(0)} / end ${(e / MB).toFixed(0)} MB`;
    return [
      {
        name: `device RSS peak, 1 viewer stopped ${STOP_SECONDS} s`,
        value: peakRss / MB,
        unit: "MB",
        detail: `${detail(first.rss, peakRss, end.rss)}; ${sent} msgs x 2 channels x 1 KiB; device resets of the stopped viewer at ${resetAt.length ? resetAt.join(", ") + " s" : "(none)"}; its subscriptions ended after ${ended.length ? ended.join(", ") + " s" : "(never)"}, then it was ${admitted ? "still admitted (reset)" : "gone (left the room)"}`,
      },
      {
        name: `device heap peak, 1 viewer stopped ${STOP_SECONDS} s`,
        value: peakHeap / MB,
        unit: "MB",
        detail: detail(first.heapUsed, peakHeap, end.heapUsed),
      },
    ];
  } finally {
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGCONT");
    child.kill("SIGTERM");
    await deadline(exited, 5000, "slow viewer exit").catch(() => child.kill("SIGKILL"));
  }
}

export default async function bench(): Promise<BenchResult[]> {
  const livekit = await startDevServer({ onProgress: () => {} });
  const context = new Context();
  const api = await startApiServer({
    devices: [TEST_DEVICE],
    livekit: { url: livekit.url, apiKey: livekit.apiKey, apiSecret: livekit.apiSecret },
  });
  let session: Session | undefined;
  const unsubscribes: number[] = []; // when the device dropped the stopped viewer's subscriptions
  const gateway = startGateway({
    deviceToken: TEST_DEVICE.token,
    foxgloveApiUrl: api.url,
    context,
    qosClassifier: (c) => ({ reliability: c.topic.startsWith("/rel") ? "reliable" : "lossy" }),
    listener: {
      onUnsubscribe: (c) => {
        if (c.identity === "stopped-viewer") unsubscribes.push(performance.now());
      },
    },
    joinRoom: sessionJoiner({
      iceServers: livekit.iceServers,
      onSession: (s) => (session = s),
    }),
  });
  const channels = SIZES.map((size) => ({
    size,
    rel: new RawChannel(`/rel/${size}`, { context, messageEncoding: "json" }),
    lossy: new RawChannel(`/lossy/${size}`, { context, messageEncoding: "json" }),
  }));
  const results: BenchResult[] = [];
  try {
    const viewer = await connectViewer({
      apiUrl: api.url,
      device: TEST_DEVICE.id,
      iceServers: livekit.iceServers,
      identity: "bench-viewer",
    });
    const counters = channels.map(({ size, rel, lossy }) => ({
      size,
      rel,
      lossy,
      relCount: new Counter(viewer, `/rel/${size}`),
      lossyCount: new Counter(viewer, `/lossy/${size}`),
    }));
    // Data tracks come up asynchronously: log until every Lossy channel delivers.
    for (const c of counters) {
      while (c.lossyCount.received === 0) {
        c.lossy.log(new Uint8Array(c.size));
        await deadline(Promise.race([c.lossyCount.next(), tick(50)]), 30_000, "lossy warm-up");
      }
    }
    const capacity = new Map<string, number>();
    for (const c of counters) {
      const [r] = await reliableRate(c.rel, c.relCount, c.size);
      const [l] = await lossyRate(c.lossy, c.lossyCount, c.size);
      results.push(r!, l!);
      capacity.set(`r${c.size}`, r!.value).set(`l${c.size}`, l!.value);
    }
    for (const c of counters) {
      const rc = capacity.get(`r${c.size}`) ?? 0;
      const lc = capacity.get(`l${c.size}`) ?? 0;
      results.push(...(await latency(c.rel, c.relCount, c.size, "Reliable", rc)));
      results.push(...(await latency(c.lossy, c.lossyCount, c.size, "Lossy", lc)));
    }
    const kb = counters[1]!;
    results.push(
      ...(await stoppedViewer(
        api.url,
        livekit.iceServers,
        kb.rel,
        kb.lossy,
        unsubscribes,
        () => session?.participant("stopped-viewer") !== undefined,
      )),
    );
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
