// The `video` workload of `npm run bench:compare` (issue 12): a device process logs a 1280x720
// rgb8 foxglove.RawImage camera at 30 fps (videoDevice.ts for ours, reference_video_device.py for
// foxglove-sdk: same scene, barcode and schedule, see bench/videoFrames.ts) and one viewer from
// our viewer library, in the driver process, decodes the video track. Each frame's barcode gives
// its index, matched to its scheduled log time (same host clock) for latency. Device CPU is the
// device process's own user + system time over its logging (encoder threads included).
import type { ApiServer } from "../../src/api-server/index.js";
import type { IceServerConfig } from "../../src/livekit/index.js";
import { connectViewer } from "../../src/viewer/index.js";
import { median } from "../harness.js";
import { FrameStats, readFrameIndex, type FrameFigures } from "../videoFrames.js";
import { DeviceProcess } from "./DeviceProcess.js";
import { deviceCommand, type BenchDevice } from "./DeviceSession.js";
import { fmt, ratio } from "./report.js";

/** One run of the video workload through one gateway. */
export interface VideoSample extends FrameFigures {
  impl: "ours" | "reference";
  /** Frames the device logged. */
  sent: number;
  /** Device process CPU over its logging, % of one core. */
  cpuPercent: number;
  /** Frame sizes the viewer decoded (an encoder under CPU pressure may scale down). */
  sizes: string[];
  /** The first few frame indexes (from 1) the viewer never decoded. */
  missing: number[];
}

/** What one video run needs. */
export interface VideoRunOptions {
  api: ApiServer;
  iceServers: readonly IceServerConfig[];
  /** Python of the reference venv. */
  python: string;
  device: BenchDevice;
  /** Logging time, s (default 10). */
  seconds?: number;
  onDeviceLog?: (line: string) => void;
}

const FPS = 30;
const WIDTH = 1280;
const HEIGHT = 720;
/** The devices start logging this long after they are spawned: time to connect both sides. */
const LEAD_MS = 15_000;

/** Runs the workload once through `impl`'s gateway; throws when the device fails. */
export async function measureVideoRun(
  impl: "ours" | "reference",
  o: VideoRunOptions,
): Promise<VideoSample> {
  const seconds = o.seconds ?? 10;
  const startMs = Date.now() + LEAD_MS;
  const args = ["--start-ms", String(startMs), "--seconds", String(seconds), "--fps", String(FPS)];
  args.push("--width", String(WIDTH), "--height", String(HEIGHT));
  const proc = DeviceProcess.start({
    ...deviceCommand(impl, o.python, args, "video"),
    env: { FOXGLOVE_API_URL: o.api.url, FOXGLOVE_DEVICE_TOKEN: o.device.token },
    ...(o.onDeviceLog !== undefined ? { onStderr: o.onDeviceLog } : {}),
  });
  const total = FPS * seconds;
  const stats = new FrameStats((i) =>
    i >= 1 && i <= total ? startMs + (i * 1000) / FPS : undefined,
  );
  const sizes = new Set<string>();
  try {
    const viewer = await connectViewer({
      apiUrl: o.api.url,
      device: o.device.id,
      iceServers: o.iceServers,
      connectTimeoutMs: LEAD_MS,
    });
    try {
      const channel = await viewer.waitForChannel("/camera", { timeoutMs: LEAD_MS });
      const sub = viewer.subscribe(channel, { video: true, timeoutMs: LEAD_MS + 10_000 });
      // Ends (ERR_CHANNEL_CLOSED) when the device leaves after its run.
      const reading = (async () => {
        for await (const frame of sub) {
          const now = Date.now();
          sizes.add(`${frame.width}x${frame.height}`);
          stats.add(readFrameIndex(frame.data, frame.width, frame.height, HEIGHT), now);
        }
      })().catch(() => undefined);
      const result = await proc.waitFor("result", { timeoutMs: LEAD_MS + seconds * 1000 + 60_000 });
      sub.unsubscribe();
      await reading;
      return {
        impl,
        ...stats.figures,
        sent: result.sent,
        cpuPercent: (result.cpuSeconds / result.seconds) * 100,
        sizes: [...sizes],
        missing: stats.missing(total),
      };
    } finally {
      await viewer.close();
    }
  } finally {
    await proc.stop();
  }
}

const FIGURES = ["fps", "p50", "p99", "cpuPercent"] as const;

/** Medians of each figure over the runs of `impl` (undefined when it has none). */
export function medianVideoFigures(
  samples: readonly VideoSample[],
  impl: VideoSample["impl"],
): Record<(typeof FIGURES)[number], number> | undefined {
  const runs = samples.filter((s) => s.impl === impl);
  if (runs.length === 0) return undefined;
  const out = {} as Record<(typeof FIGURES)[number], number>;
  for (const k of FIGURES) {
    const values = runs.map((s) => s[k]).filter((x) => Number.isFinite(x));
    out[k] = values.length > 0 ? median(values) : NaN;
  }
  return out;
}

/** Each run, the medians, the ratios ours / reference and the verdict, as markdown. */
export function videoTable(samples: readonly VideoSample[]): string {
  const ours = medianVideoFigures(samples, "ours");
  const ref = medianVideoFigures(samples, "reference");
  const each = (impl: VideoSample["impl"], k: (typeof FIGURES)[number]) =>
    samples
      .filter((s) => s.impl === impl)
      .map((s) => fmt(s[k], k === "fps" ? 1 : 0))
      .join(" / ");
  const row = (impl: VideoSample["impl"], f: typeof ours) =>
    `| ${impl} | ${FIGURES.map((k) => `${each(impl, k)} (**${fmt(f?.[k], k === "fps" ? 1 : 0)}**)`).join(" | ")} |`;
  const x = (k: (typeof FIGURES)[number]) => ratio(ours?.[k], ref?.[k]);
  const met = (x("fps") ?? 0) >= 1 && (x("p50") ?? Infinity) <= 1 && (x("p99") ?? Infinity) <= 1;
  const cpuMet = (x("cpuPercent") ?? Infinity) <= 1;
  const sizes = [...new Set(samples.flatMap((s) => s.sizes))].join(", ");
  return [
    "| gateway | fps at the viewer | p50 ms | p99 ms | device CPU % of one core |",
    "|---|---|---|---|---|",
    row("ours", ours),
    row("reference", ref),
    `| ours / reference | ${FIGURES.map((k) => fmt(x(k), 2)).join(" | ")} |`,
    "",
    `Each run, then the median in bold. Decoded sizes: ${sizes || "none"}. Targets (fps ≥ the reference's, p50 and p99 ≤ its): ${met ? "**met**" : "**not met**"}; device CPU ≤ the reference's: ${cpuMet ? "**met**" : "**not met**"}.`,
  ].join("\n");
}
