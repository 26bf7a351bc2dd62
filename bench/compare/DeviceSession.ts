import { fileURLToPath } from "node:url";
import type { ApiServer, ViewerConnectResponse } from "../../src/api-server/index.js";
import { VIEWER_CONNECT_PATH } from "../../src/api-server/index.js";
import { FoxgloveError, isFoxgloveError } from "../../src/core/FoxgloveError.js";
import type { IceServerConfig } from "../../src/livekit/index.js";
import { BenchViewer, type ViewerGrant } from "./BenchViewer.js";
import { DeviceProcess } from "./DeviceProcess.js";
import { buildDevicePrograms } from "./buildDevicePrograms.js";
import type { ReferenceVenv } from "./referenceVenv.js";
import type { ViewerSummary } from "./ViewerStats.js";
import { BENCH_TOPIC, deviceArgs, type Qos } from "./workload.js";

/** Which sender a session measures: our gateway, the reference gateway, or bare LiveKit. */
export type Impl = "ours" | "reference" | "raw";

/** A device account of the API server (one per session: no session sees another's lease). */
export interface BenchDevice {
  id: string;
  token: string;
}

/** What a session needs around it. */
export interface BenchEnv {
  api: ApiServer;
  /** ICE servers for viewers (the dev server's loopback list). */
  iceServers: readonly IceServerConfig[];
  venv: ReferenceVenv;
  /** Hands out a fresh device account. */
  nextDevice(): BenchDevice;
  /** Grants for the raw ceiling: a sender token and `viewers` viewer grants in a fresh room. */
  rawGrants(viewers: number): Promise<{ sender: ViewerGrant; viewers: ViewerGrant[] }>;
  /** Receives device stderr lines (default: dropped). */
  onDeviceLog?: (impl: Impl, line: string) => void;
}

/** One measured phase. */
export interface Measurement {
  /** Messages the device logged. */
  sent: number;
  /** Length of the phase, s. */
  seconds: number;
  /** Device process CPU during the phase, s. */
  cpuSeconds: number;
  /** Device peak RSS during the phase, bytes. */
  peakRssBytes: number;
  /** One summary per viewer. */
  viewers: ViewerSummary[];
  /** Viewers the device reset during the phase (it re-opened their control stream). */
  resets: number;
  /** Time from the end of logging until the viewers had everything (or stalled), ms. */
  drainMs: number;
  /** Set when the phase failed; the figures are then partial. */
  error?: string;
}

const HERE = (file: string) => fileURLToPath(new URL(file, import.meta.url));
const DEVICE_PROGRAMS: Record<Impl, string> = {
  ours: HERE("./ourDevice.ts"),
  reference: HERE("./reference_device.py"),
  raw: HERE("./rawDevice.ts"),
};
/** The device programs of the `video` workload (videoWorkload.ts). */
const VIDEO_PROGRAMS: Record<"ours" | "reference", string> = {
  ours: HERE("./videoDevice.ts"),
  reference: HERE("./reference_video_device.py"),
};
/** Compiled programs (source path -> built .mjs), once {@link useBuiltDevicePrograms} ran. */
let builtPrograms: Map<string, string> | undefined;

/**
 * Builds the package and compiles our device programs against dist/ (see buildDevicePrograms):
 * later sessions run them with plain node, as users run the package. Without this call they run
 * from src/ through tsx.
 */
export async function useBuiltDevicePrograms(): Promise<void> {
  builtPrograms = await buildDevicePrograms([
    DEVICE_PROGRAMS.ours,
    DEVICE_PROGRAMS.raw,
    VIDEO_PROGRAMS.ours,
  ]);
}

/**
 * The command line that starts the device program of `impl` with `args`: the reference's under
 * `python`, ours built (after {@link useBuiltDevicePrograms}) or through tsx. `workload` "video"
 * picks the video devices (no raw one).
 */
export function deviceCommand(
  impl: Impl,
  python: string,
  args: readonly string[],
  workload: "messages" | "video" = "messages",
): { command: string; args: string[] } {
  let program = DEVICE_PROGRAMS[impl];
  if (workload === "video") {
    if (impl === "raw") throw new Error("there is no raw video device");
    program = VIDEO_PROGRAMS[impl];
  }
  const built = builtPrograms?.get(program);
  if (impl === "reference") return { command: python, args: [program, ...args] };
  return {
    command: process.execPath,
    args: [
      // e.g. BENCH_DEVICE_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" to profile our device
      // (node refuses --cpu-prof in NODE_OPTIONS)
      ...(process.env.BENCH_DEVICE_NODE_ARGS?.split(" ").filter(Boolean) ?? []),
      ...(built !== undefined ? [built] : ["--import", "tsx", program]),
      ...args,
    ],
  };
}

/** A drain ends when no viewer made progress for this long. */
const QUIET_MS = 750;
/** A drain never takes longer than this. */
const MAX_DRAIN_MS = 20_000;
const SETUP_TIMEOUT_MS = 30_000;
const WARM_MESSAGES = 2;

/** Warm-up pace: every 20 ms, or slower so that it offers at most 1 MB/s in all. */
function warmIntervalMs(size: number, viewers: number): number {
  return Math.max(20, Math.round((size * viewers) / 1000));
}

/**
 * One device program and its viewers, kept for several measured phases of one QoS and viewer
 * count: start the device against the API server, connect the viewers through the viewer
 * endpoint (which wakes it), wait until each subscribed, then {@link measure} phases.
 */
export class DeviceSession implements AsyncDisposable {
  readonly impl: Impl;
  readonly qos: Qos;
  /** Time from process start to all viewers subscribed, ms. */
  readonly setupMs: number;
  readonly #proc: DeviceProcess;
  readonly #viewers: BenchViewer[];

  private constructor(
    impl: Impl,
    qos: Qos,
    proc: DeviceProcess,
    viewers: BenchViewer[],
    setupMs: number,
  ) {
    this.impl = impl;
    this.qos = qos;
    this.#proc = proc;
    this.#viewers = viewers;
    this.setupMs = setupMs;
  }

  /** Starts the device and its viewers; throws (after cleaning up) when setup fails. */
  static async open(env: BenchEnv, impl: Impl, qos: Qos, viewers: number): Promise<DeviceSession> {
    const t0 = performance.now();
    const device = env.nextDevice();
    const raw = impl === "raw" ? await env.rawGrants(viewers) : undefined;
    const args = deviceArgs(qos, `bench-${impl}`);
    const proc = DeviceProcess.start({
      ...deviceCommand(impl, env.venv.python, args),
      env:
        raw === undefined
          ? { FOXGLOVE_API_URL: env.api.url, FOXGLOVE_DEVICE_TOKEN: device.token }
          : { BENCH_LIVEKIT_URL: raw.sender.livekitUrl, BENCH_LIVEKIT_TOKEN: raw.sender.token },
      ...(env.onDeviceLog !== undefined ? { onStderr: (l) => env.onDeviceLog!(impl, l) } : {}),
    });
    const list: BenchViewer[] = [];
    try {
      await proc.waitFor("status", {
        match: (e) => e.status === "Connected",
        timeoutMs: SETUP_TIMEOUT_MS,
      });
      const grants =
        raw?.viewers ??
        (await Promise.all(
          Array.from({ length: viewers }, (_, i) => connectViewer(env.api, device.id, i)),
        ));
      // In parallel: each join waits about 3 s for LiveKit to tell the device (docs/interop.md).
      const joins = grants.map((grant) =>
        BenchViewer.connect(grant, {
          topic: BENCH_TOPIC,
          iceServers: env.iceServers,
          mode: impl === "raw" ? "raw" : "protocol",
        }),
      );
      const settled = await Promise.allSettled(joins);
      for (const s of settled) if (s.status === "fulfilled") list.push(s.value);
      const failed = settled.find((s) => s.status === "rejected");
      if (failed !== undefined) throw failed.reason;
      await proc.waitFor("subscribers", {
        match: (e) => e.count >= viewers,
        timeoutMs: SETUP_TIMEOUT_MS,
      });
    } catch (error) {
      await Promise.all(list.map((v) => v.close()));
      await proc.stop();
      throw error;
    }
    return new DeviceSession(impl, qos, proc, list, performance.now() - t0);
  }

  /**
   * Warms up with `size`-byte messages until every viewer received some, then logs `size`-byte
   * messages at `rate` msgs/s (0 = as fast as possible) for `seconds`, and waits until the viewers
   * have them all or stop making progress. Never throws: a failed phase has `error`.
   */
  async measure(size: number, rate: number, seconds: number): Promise<Measurement> {
    const m: Measurement = {
      sent: 0,
      seconds: 0,
      cpuSeconds: NaN,
      peakRssBytes: NaN,
      viewers: [],
      resets: 0,
      drainMs: NaN,
    };
    const resets = this.#viewers.map((v) => v.resets);
    try {
      // Warm up until every viewer gets messages (subscription and data track live), then stop
      // and let the viewers drain the warm-up traffic, so the measured phase starts unqueued.
      const base = this.#viewers.map((v) => v.warmReceived);
      this.#proc.send(`warm ${size} ${warmIntervalMs(size, this.#viewers.length)}`);
      await Promise.all(
        this.#viewers.map((v, i) =>
          v.until(
            () => v.warmReceived >= base[i]! + WARM_MESSAGES,
            SETUP_TIMEOUT_MS,
            "warm-up message",
          ),
        ),
      );
      const from = this.#proc.events.length;
      this.#proc.send("idle");
      const warmed = await this.#proc.waitFor("warmed", { from, timeoutMs: SETUP_TIMEOUT_MS });
      await drain(this.#viewers, (v, i) => v.warmReceived - base[i]!, warmed.sent);
      for (const v of this.#viewers) v.resetStats();
      const runFrom = this.#proc.events.length;
      this.#proc.send(`run ${size} ${rate} ${seconds}`);
      const ran = await this.#proc.waitFor("result", {
        from: runFrom,
        timeoutMs: seconds * 1000 + 60_000,
      });
      m.sent = ran.sent;
      m.seconds = ran.seconds;
      m.cpuSeconds = ran.cpuSeconds;
      m.peakRssBytes = ran.peakRssBytes;
      const drained = performance.now();
      const complete = await drain(this.#viewers, (v) => v.received, ran.sent);
      m.drainMs = performance.now() - drained - (complete ? 0 : QUIET_MS);
    } catch (error) {
      m.error = isFoxgloveError(error) ? `${error.code}: ${error.message}` : String(error);
    }
    m.viewers = this.#viewers.map((v) => v.stats.summary());
    m.resets = this.#viewers.reduce((n, v, i) => n + v.resets - resets[i]!, 0);
    return m;
  }

  /** Closes the viewers and stops the device. */
  async close(): Promise<void> {
    await Promise.all(this.#viewers.map((v) => v.close()));
    await this.#proc.stop();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

/** Asks the API server's viewer endpoint for viewer `i`'s grant to `device` (wakes the device). */
export async function connectViewer(
  api: ApiServer,
  device: string,
  i: number,
): Promise<ViewerConnectResponse> {
  const res = await fetch(api.url + VIEWER_CONNECT_PATH, {
    method: "POST",
    body: JSON.stringify({ device, identity: `viewer-${i}`, timeoutMs: SETUP_TIMEOUT_MS }),
  });
  if (res.status !== 200) {
    throw new FoxgloveError("ERR_API", `viewer connect answered ${res.status}`);
  }
  return (await res.json()) as ViewerConnectResponse;
}

/**
 * Waits until `count(viewer)` reaches `sent` for every viewer (true), or until none made progress
 * for QUIET_MS or MAX_DRAIN_MS passed (false).
 */
async function drain(
  viewers: readonly BenchViewer[],
  count: (v: BenchViewer, i: number) => number,
  sent: number,
): Promise<boolean> {
  const total = () => viewers.reduce((n, v, i) => n + count(v, i), 0);
  const deadline = performance.now() + MAX_DRAIN_MS;
  while (performance.now() < deadline) {
    const before = total();
    try {
      await Promise.all(
        viewers.map((v, i) => v.until(() => count(v, i) >= sent, QUIET_MS, "drain progress")),
      );
      return true;
    } catch {
      if (total() === before) return false;
    }
  }
  return false;
}
