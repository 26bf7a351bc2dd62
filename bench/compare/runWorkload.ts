import { fileURLToPath } from "node:url";
import type { ApiServer, ViewerConnectResponse } from "../../src/api-server/index.js";
import { VIEWER_CONNECT_PATH } from "../../src/api-server/index.js";
import { FoxgloveError, isFoxgloveError } from "../../src/core/FoxgloveError.js";
import type { IceServerConfig } from "../../src/livekit/index.js";
import { BenchViewer } from "./BenchViewer.js";
import { DeviceProcess } from "./DeviceProcess.js";
import type { ReferenceVenv } from "./referenceVenv.js";
import type { ViewerSummary } from "./ViewerStats.js";
import { BENCH_TOPIC, deviceArgs, type Workload } from "./workload.js";

/** Which gateway a run measures. */
export type Impl = "ours" | "reference";

/** A device account of the API server (one per run, so no run sees another's lease or room). */
export interface BenchDevice {
  id: string;
  token: string;
}

/** What a run needs around it. */
export interface BenchEnv {
  api: ApiServer;
  iceServers: readonly IceServerConfig[];
  venv: ReferenceVenv;
  /** Hands out a fresh device account. */
  nextDevice(): BenchDevice;
  /** Receives device stderr lines (default: dropped). */
  onDeviceLog?: (impl: Impl, line: string) => void;
}

/** The outcome of one run of one workload on one gateway. */
export interface RunResult {
  impl: Impl;
  workload: Workload;
  /** Messages the device logged in the measured phase. */
  sent: number;
  /** Length of the measured phase, s. */
  seconds: number;
  /** Device process CPU during the measured phase, s. */
  cpuSeconds: number;
  /** Device peak RSS over its life, bytes. */
  peakRssBytes: number;
  /** One summary per viewer. */
  viewers: ViewerSummary[];
  /** Viewers the device reset (it re-opened their control stream). */
  resets: number;
  /** Time from process start to all viewers warmed up, ms. */
  setupMs: number;
  /** Set when the run failed; the figures are then partial. */
  error?: string;
}

const OUR_DEVICE = fileURLToPath(new URL("./ourDevice.ts", import.meta.url));
const REFERENCE_DEVICE = fileURLToPath(new URL("./reference_device.py", import.meta.url));
/** A drain ends when no viewer made progress for this long. */
const QUIET_MS = 750;
const SETUP_TIMEOUT_MS = 30_000;

/**
 * Runs `w` once on `impl`: starts its device program against the API server, connects
 * `w.viewers` BenchViewers through the viewer endpoint (which wakes the device), waits until each
 * subscribed and received warm-up messages, logs the measured phase, lets the viewers drain, and
 * stops everything. Never throws for a failed run: the result carries `error`.
 */
export async function runWorkload(env: BenchEnv, impl: Impl, w: Workload): Promise<RunResult> {
  const t0 = performance.now();
  const device = env.nextDevice();
  const args = deviceArgs(w, `bench-${impl}`);
  const proc = DeviceProcess.start({
    command: impl === "ours" ? process.execPath : env.venv.python,
    args: impl === "ours" ? ["--import", "tsx", OUR_DEVICE, ...args] : [REFERENCE_DEVICE, ...args],
    env: { FOXGLOVE_API_URL: env.api.url, FOXGLOVE_DEVICE_TOKEN: device.token },
    ...(env.onDeviceLog !== undefined ? { onStderr: (l) => env.onDeviceLog!(impl, l) } : {}),
  });
  const viewers: BenchViewer[] = [];
  const result: RunResult = {
    impl,
    workload: w,
    sent: 0,
    seconds: 0,
    cpuSeconds: NaN,
    peakRssBytes: NaN,
    viewers: [],
    resets: 0,
    setupMs: NaN,
  };
  try {
    await proc.waitFor("status", {
      match: (e) => e.status === "Connected",
      timeoutMs: SETUP_TIMEOUT_MS,
    });
    const grants = await Promise.all(
      Array.from({ length: w.viewers }, (_, i) => connectViewer(env.api, device.id, i)),
    );
    for (const grant of grants) {
      viewers.push(
        await BenchViewer.connect(grant, { topic: BENCH_TOPIC, iceServers: env.iceServers }),
      );
    }
    await proc.waitFor("subscribers", {
      match: (e) => e.count >= w.viewers,
      timeoutMs: SETUP_TIMEOUT_MS,
    });
    proc.send("warm");
    await Promise.all(
      viewers.map((v) => v.until(() => v.warmReceived >= 3, SETUP_TIMEOUT_MS, "warm-up message")),
    );
    result.setupMs = performance.now() - t0;
    const from = proc.events.length;
    proc.send("run");
    const ran = await proc.waitFor("result", { from, timeoutMs: w.seconds * 1000 + 60_000 });
    result.sent = ran.sent;
    result.seconds = ran.seconds;
    result.cpuSeconds = ran.cpuSeconds;
    result.peakRssBytes = ran.peakRssBytes;
    await drain(viewers, ran.sent);
  } catch (error) {
    result.error = isFoxgloveError(error) ? `${error.code}: ${error.message}` : String(error);
  } finally {
    result.viewers = viewers.map((v) => v.stats.summary());
    if (process.env.BENCH_DEBUG) {
      for (const v of viewers)
        console.error("missing", JSON.stringify(v.stats.missingRanges(result.sent, 30)));
    }
    result.resets = viewers.reduce((n, v) => n + Math.max(0, v.controlStreams - 1), 0);
    await Promise.all(viewers.map((v) => v.close()));
    const stopped = await proc.stop();
    if (stopped !== undefined && Number.isNaN(result.peakRssBytes)) {
      result.peakRssBytes = stopped.peakRssBytes;
    }
  }
  return result;
}

async function connectViewer(
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

/** Waits until every viewer has `sent` messages, or until none made progress for QUIET_MS. */
async function drain(viewers: readonly BenchViewer[], sent: number): Promise<void> {
  const total = () => viewers.reduce((n, v) => n + v.received, 0);
  for (;;) {
    const before = total();
    try {
      await Promise.all(
        viewers.map((v) => v.until(() => v.received >= sent, QUIET_MS, "drain progress")),
      );
      return;
    } catch {
      if (total() === before) return;
    }
  }
}
