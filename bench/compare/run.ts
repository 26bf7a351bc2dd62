// `npm run bench:compare`: our gateway side by side with the reference gateway (foxglove-sdk from
// PyPI, in a private venv), under identical conditions: one livekit-server, our device API server,
// the same workloads and the same viewer (bench/compare/BenchViewer.ts). Also measures the raw
// ceiling: the same payloads between two bare LiveKit participants. See docs/interop.md and
// BENCHMARKS.md. Options: --help.
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { mintLiveKitToken, startApiServer } from "../../src/api-server/index.js";
import { setLogLevel } from "../../src/core/logger.js";
import { shutdownLiveKit, startDevServer } from "../../src/livekit/index.js";
import { LIVEKIT_SERVER_VERSION } from "../../scripts/livekit-server.mjs";
import {
  DeviceSession,
  useBuiltDevicePrograms,
  type BenchEnv,
  type Impl,
  type Measurement,
} from "./DeviceSession.js";
import { bestRate, nextProbeRate, type Probe } from "./rateLadder.js";
import { cloudFigures, cloudTable, type CloudSample } from "./cloudReport.js";
import { measureCloudSession, writeCloudFiles } from "./cloudWorkload.js";
import { measureVideoRun, videoTable, type VideoSample } from "./videoWorkload.js";
import {
  CLOUD_SDK_VERSION,
  ensureReferenceVenv,
  REFERENCE_SDK_VERSION,
  referenceVenvDir,
} from "./referenceVenv.js";
import {
  aggregate,
  figuresOf,
  figuresTable,
  fmt,
  formatSize,
  ratioTable,
  type RateMode,
  type Sample,
} from "./report.js";
import type { Qos } from "./workload.js";

const HELP = `npm run bench:compare [-- options]
  --quick              smoke run: sizes 64,16384; viewers 1; 1 repeat; 1 s phases
  --repeats N          measured phases per workload and gateway (default 3; medians reported)
  --seconds S          length of a measured phase (default 2)
  --probe-seconds S    length of a rate-search probe (default: --seconds)
  --sizes LIST         payload sizes in bytes (default 64,1024,16384,65536)
  --viewers LIST       viewer counts (default 1,4,8)
  --qos LIST           lossy,reliable (default both)
  --lossy-rates LIST   max,paced: which lossy phases to measure (default both; paced is
                       min(1000 msgs/s, 4 MB/s))
  --impls LIST         ours,reference (default both)
  --no-ceiling         skip the raw LiveKit ceiling
  --ceiling-viewers L  viewer counts of the raw ceiling (default: the --viewers counts, so
                       a full run measures LiveKit's own limit with 1, 4 and 8 viewers)
  --max-minutes M      stop starting new sessions after M minutes (default 25)
  --markdown FILE      also write the report as a markdown section to FILE
  --json FILE          also write every measured phase as JSON to FILE
  --verbose            print the devices' stderr
  --workload W         all (default: the message workloads below, the raw ceiling, point clouds
                       and video), pointcloud (only the point-cloud workload, against foxglove-sdk
                       ${CLOUD_SDK_VERSION}) or video (only the video workload: 1280x720 rgb8 at 30 fps)
  --cloud-points N     points per cloud (default 100000)
  --cloud-rate R       clouds logged per second (default 10)
  --cloud-seconds S    length of a measured point-cloud phase (default 5)
  --cloud-method M     kdTree or sequential for both gateways (default: each SDK's default policy)
  --cloud-bits B       quantization bits for both gateways (default 12)
  --video-seconds S    logging time of one video run (default 10; --quick: 5); runs per
                       gateway: --repeats, alternating ours and the reference
  --cloud-encoders N   our gateway's pointCloudEncoders (default: its default; the reference has none)
  --cloud-cpus LIST    pin both devices to these CPUs (taskset -c LIST, e.g. 0: a one-core device)
  --tsx                run our device programs from src/ through tsx (default: the built package,
                       dist/, with plain node, as users run it)`;

const { values } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    repeats: { type: "string" },
    seconds: { type: "string" },
    "probe-seconds": { type: "string" },
    sizes: { type: "string" },
    viewers: { type: "string" },
    qos: { type: "string", default: "lossy,reliable" },
    "lossy-rates": { type: "string", default: "max,paced" },
    impls: { type: "string", default: "ours,reference" },
    "no-ceiling": { type: "boolean", default: false },
    "ceiling-viewers": { type: "string" },
    "max-minutes": { type: "string", default: "25" },
    markdown: { type: "string" },
    json: { type: "string" },
    verbose: { type: "boolean", default: false },
    tsx: { type: "boolean", default: false },
    workload: { type: "string", default: "all" },
    "cloud-points": { type: "string", default: "100000" },
    "cloud-rate": { type: "string", default: "10" },
    "cloud-seconds": { type: "string", default: "5" },
    "cloud-method": { type: "string" },
    "cloud-bits": { type: "string" },
    "video-seconds": { type: "string" },
    "cloud-encoders": { type: "string" },
    "cloud-cpus": { type: "string" },
    help: { type: "boolean", default: false },
  },
});
if (values.help) {
  console.log(HELP);
  process.exit(0);
}
const list = (text: string) => text.split(",").filter((s) => s !== "");
const numbers = (text: string) => list(text).map(Number);
const quick = values.quick;
const repeats = Number(values.repeats ?? (quick ? 1 : 3));
const seconds = Number(values.seconds ?? (quick ? 1 : 2));
const probeSeconds = Number(values["probe-seconds"] ?? seconds);
const sizes = numbers(values.sizes ?? (quick ? "64,16384" : "64,1024,16384,65536"));
const viewerCounts = numbers(values.viewers ?? (quick ? "1" : "1,4,8"));
const qosList = list(values.qos).map((q) => {
  if (q !== "lossy" && q !== "reliable") throw new Error(`bad --qos ${q}`);
  return q;
});
const lossyRates = list(values["lossy-rates"]).map((m) => {
  if (m !== "max" && m !== "paced") throw new Error(`bad --lossy-rates ${m}`);
  return m;
});
const impls = list(values.impls).map((i) => {
  if (i !== "ours" && i !== "reference") throw new Error(`bad --impls ${i}`);
  return i;
});
if (!["all", "pointcloud", "video", "messages"].includes(values.workload)) {
  throw new Error(`bad --workload ${values.workload}`);
}
const cloudsOnly = values.workload === "pointcloud";
const videoOnly = values.workload === "video";
/** Only one of the special workloads: no message workloads, no raw ceiling. */
const oneWorkload = cloudsOnly || videoOnly;
const messagesOnly = values.workload === "messages";
const videoSeconds = Number(values["video-seconds"] ?? (quick ? 5 : 10));
const deadline = performance.now() + Number(values["max-minutes"]) * 60_000;

setLogLevel(values.verbose ? "info" : "error");
const started = performance.now();
const say = (line: string) =>
  console.log(`[${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}`);

// ---- environment ----
const machine = describeMachine();
const loadBefore = os.loadavg();
say(`machine: ${machine}; load average ${loadBefore.map((l) => l.toFixed(1)).join(" ")}`);
if (!values.tsx) {
  await useBuiltDevicePrograms();
  say("our device programs: built package (dist/), plain node");
}
const venv = await ensureReferenceVenv();
say(`reference: foxglove-sdk ${venv.version} (${venv.python})`);
const cloudVenv = await ensureReferenceVenv(
  `${referenceVenvDir()}-${CLOUD_SDK_VERSION}`,
  CLOUD_SDK_VERSION,
);
say(`reference for point clouds: foxglove-sdk ${cloudVenv.version} (${cloudVenv.python})`);
const logDir = join(os.tmpdir(), "foxglove-remote-bench");
mkdirSync(logDir, { recursive: true });
const livekit = await startDevServer({ logFile: join(logDir, "livekit-server.log") });
const DEVICES = 400;
const devices = Array.from({ length: DEVICES }, (_, i) => ({
  id: `dev_bench_${i}`,
  name: `bench-${i}`,
  token: `fox_dt_${randomBytes(12).toString("hex")}`,
}));
const api = await startApiServer({
  devices,
  livekit: { url: livekit.url, apiKey: livekit.apiKey, apiSecret: livekit.apiSecret },
});
say(`livekit-server ${LIVEKIT_SERVER_VERSION} at ${livekit.url}; API server at ${api.url}`);
let nextDevice = 0;
let rawRooms = 0;
const mint = (room: string, identity: string) =>
  mintLiveKitToken({ apiKey: livekit.apiKey, apiSecret: livekit.apiSecret, room, identity });
const env: BenchEnv = {
  api,
  iceServers: livekit.iceServers,
  venv,
  nextDevice: () => {
    const d = devices[nextDevice++ % DEVICES]!;
    return { id: d.id, token: d.token };
  },
  rawGrants: async (n) => {
    const room = `bench-raw-${rawRooms++}`;
    const grant = async (identity: string) => ({
      livekitUrl: livekit.url,
      token: await mint(room, identity),
      deviceIdentity: "raw-sender",
    });
    return {
      sender: await grant("raw-sender"),
      viewers: await Promise.all(Array.from({ length: n }, (_, i) => grant(`viewer-${i}`))),
    };
  },
  ...(values.verbose ? { onDeviceLog: (impl, line) => console.error(`  ${impl}| ${line}`) } : {}),
};

// ---- measurements ----
const samples: Sample[] = [];
const ceiling: Sample[] = [];
const found = new Map<string, number>();
let stoppedEarly = false;

function describe(m: Measurement): string {
  const f = figuresOf(m);
  if (f === undefined) return `FAILED ${m.error ?? ""}`;
  return `${fmt(f.deliveredPerSec, 0)} msg/s ${fmt(f.deliveredMBps)} MB/s loss ${fmt(f.lossPct, 1)}% p50 ${fmt(f.p50Ms)} p99 ${fmt(f.p99Ms)} ms cpu ${fmt(f.cpuPct, 0)}% rss ${fmt(f.peakRssMiB, 0)} MiB${m.resets > 0 ? ` resets ${m.resets}` : ""}`;
}

/**
 * True when the device kept up with `rate` and every viewer got everything promptly: no reset,
 * at least 95% of the offered rate logged, no message missing, the viewers' p99 latency at most
 * 250 ms and the backlog drained within 0.5 s of the end.
 */
function sustained(m: Measurement, rate: number): boolean {
  const f = figuresOf(m);
  return (
    f !== undefined &&
    m.resets === 0 &&
    m.sent >= 0.95 * rate * m.seconds &&
    m.viewers.every((v) => v.received >= m.sent) &&
    f.p99Ms <= 250 &&
    m.drainMs <= 500
  );
}

async function withSession(
  impl: Impl,
  qos: Qos,
  viewers: number,
  body: (s: DeviceSession) => Promise<unknown>,
): Promise<void> {
  let session: DeviceSession;
  try {
    session = await DeviceSession.open(env, impl, qos, viewers);
  } catch (error) {
    say(`${impl} ${qos} x${viewers}: setup FAILED: ${String(error)}`);
    return;
  }
  say(`${impl} ${qos} x${viewers}: ready in ${(session.setupMs / 1000).toFixed(1)} s`);
  try {
    await body(session);
  } finally {
    await session.close();
  }
}

for (let r = 0; r < repeats && !stoppedEarly && !oneWorkload; r++) {
  for (const qos of qosList) {
    for (const viewers of viewerCounts) {
      // Alternate which gateway goes first, so neither always runs on a warmer machine.
      const order = r % 2 === 0 ? impls : [...impls].reverse();
      for (const impl of order) {
        if (performance.now() > deadline) {
          stoppedEarly = true;
          break;
        }
        await withSession(impl, qos, viewers, (session) => measureSizes(session, viewers));
      }
    }
  }
}

/** Measures every size on `session`: lossy at `max` and paced, reliable at the searched rate. */
async function measureSizes(session: DeviceSession, viewers: number): Promise<Sample[]> {
  const { impl, qos } = session;
  const out: Sample[] = [];
  for (const size of sizes) {
    const phases: [RateMode, number][] = [];
    if (qos === "lossy") {
      if (lossyRates.includes("max")) phases.push(["max", 0]);
      if (lossyRates.includes("paced")) phases.push(["paced", pacedRate(size)]);
    } else {
      const key = `${impl}|${size}|${viewers}`;
      const rate = found.get(key) ?? (await searchRate(session, size, viewers));
      found.set(key, rate);
      phases.push(["search", rate]);
    }
    for (const [mode, rate] of phases) {
      const m = await session.measure(size, rate, seconds);
      const sample = { impl, qos, size, viewers, mode, rate, m };
      (impl === "raw" ? ceiling : samples).push(sample);
      say(`  ${impl} ${qos} ${formatSize(size)} x${viewers} @${rate || "max"}: ${describe(m)}`);
      out.push(sample);
    }
  }
  return out;
}

/** The common offered rate of the paced lossy phase: 1000 msgs/s, at most 4 MB/s. */
function pacedRate(size: number): number {
  return Math.min(1000, Math.round(4e6 / size));
}

/** Probes rates on `session` and returns the highest sustained one (or the lowest probed). */
async function searchRate(session: DeviceSession, size: number, viewers: number): Promise<number> {
  const history: Probe[] = [];
  const options = {
    startRate: Math.min(2000, Math.max(2, Math.round(1e6 / size / viewers))),
    maxRate: Math.round(200e6 / size),
    maxProbes: 6,
  };
  for (let rate = nextProbeRate(history, options); rate !== undefined;) {
    const m = await session.measure(size, rate, probeSeconds);
    const passed = sustained(m, rate);
    history.push({ rate, passed });
    say(
      `    probe ${session.impl} ${formatSize(size)} x${viewers} @${rate}: ${passed ? "ok" : "no"} (${describe(m)})`,
    );
    rate = nextProbeRate(history, options);
  }
  return bestRate(history) ?? Math.min(...history.map((p) => p.rate));
}

/**
 * Runs `run` for each gateway `repeats` times, alternating which goes first, until the time budget
 * is spent; a failed run is reported and the others go on.
 */
async function alternateRuns(
  label: string,
  run: (impl: "ours" | "reference") => Promise<void>,
): Promise<void> {
  for (let r = 0; r < repeats && !stoppedEarly; r++) {
    const order = r % 2 === 0 ? impls : [...impls].reverse();
    for (const impl of order) {
      if (performance.now() > deadline) {
        stoppedEarly = true;
        break;
      }
      try {
        await run(impl);
      } catch (error) {
        say(`  ${impl} ${label}: FAILED: ${String(error)}`);
      }
    }
  }
}

// ---- point clouds ----
const cloudSamples: CloudSample[] = [];
const cloudPoints = Number(values["cloud-points"]);
const cloudRate = Number(values["cloud-rate"]);
const cloudSeconds = Number(values["cloud-seconds"]);
const cloudBits = values["cloud-bits"] === undefined ? undefined : Number(values["cloud-bits"]);
const cloudFiles = writeCloudFiles(logDir, cloudPoints);
if (!videoOnly && !messagesOnly) {
  await alternateRuns("pointcloud", async (impl) => {
    const got = await measureCloudSession(impl, {
      api,
      iceServers: livekit.iceServers,
      python: cloudVenv.python,
      device: env.nextDevice(),
      files: cloudFiles,
      rate: cloudRate,
      seconds: cloudSeconds,
      phases: 1,
      method: values["cloud-method"],
      bits: cloudBits,
      encoders: values["cloud-encoders"],
      cpus: values["cloud-cpus"],
      ...(values.verbose ? { onDeviceLog: (l: string) => console.error(`  ${impl}| ${l}`) } : {}),
    });
    for (const s of got) {
      const f = cloudFigures(s);
      say(
        `  ${impl} pointcloud ${cloudPoints} @${cloudRate}/s: ${fmt(f.cpuMsPerCloud)} ms CPU/cloud, ${fmt(f.compressedBytes, 0)} B/cloud (${fmt(f.compressionRatio, 1)}x), ${s.delivered}/${s.sent} delivered, ${fmt(f.deliveredPerSec, 1)} clouds/s`,
      );
    }
    cloudSamples.push(...got);
  });
}

// ---- video ----
const videoSamples: VideoSample[] = [];
if (!cloudsOnly && !messagesOnly) {
  await alternateRuns("video", async (impl) => {
    const s = await measureVideoRun(impl, {
      api,
      iceServers: livekit.iceServers,
      python: venv.python,
      device: env.nextDevice(),
      seconds: videoSeconds,
      ...(values.verbose ? { onDeviceLog: (l: string) => console.error(`  ${impl}| ${l}`) } : {}),
    });
    say(
      `  ${impl} video 1280x720@30: ${fmt(s.fps, 1)} fps, p50 ${fmt(s.p50, 0)} ms, p99 ${fmt(s.p99, 0)} ms, device CPU ${fmt(s.cpuPercent, 0)} %, ${s.decoded}/${s.sent} decoded (${s.sizes.join(" ")}${s.missing.length > 0 ? `; missing ${s.missing.join(",")}` : ""}); load ${os.loadavg()[0]!.toFixed(1)}`,
    );
    videoSamples.push(s);
  });
}

// ---- raw ceiling ----
if (!values["no-ceiling"] && !stoppedEarly && !oneWorkload) {
  for (const qos of qosList) {
    for (const n of values["ceiling-viewers"] === undefined
      ? viewerCounts
      : numbers(values["ceiling-viewers"])) {
      await withSession("raw", qos, n, (session) => measureSizes(session, n));
    }
  }
}

await api.stop();
await livekit.stop();
await shutdownLiveKit();

// ---- report ----
const loadAfter = os.loadavg();
const rows = aggregate(samples);
const minutes = (performance.now() - started) / 60_000;
const command = `npm run bench:compare${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(" ")}` : ""}`;
const cloudSection = [
  `### Point clouds (\`--workload pointcloud\`)`,
  "",
  `Both gateways log the same encoded synthetic lidar \`foxglove.PointCloud\` (protobuf, ${fmt(cloudPoints, 0)} points, float32 x/y/z + uint8 intensity/ring, ${fmt(cloudFiles.rawBytes, 0)} B), generated once and read from one file, on a Lossy channel at ${fmt(cloudRate, 0)} clouds/s for ${fmt(cloudSeconds, 0)} s to one viewer (our viewer library); reference: foxglove-sdk ${CLOUD_SDK_VERSION}. Draco: ${values["cloud-method"] === undefined && cloudBits === undefined ? "each SDK's default policy (kd-tree, 12 bits)" : `${values["cloud-method"] ?? "kdTree"}, ${cloudBits ?? 12} bits, the same policy on both`}.${values["cloud-encoders"] !== undefined ? ` Ours with \`pointCloudEncoders: ${values["cloud-encoders"]}\` (clouds of a channel encoded at once).` : ""}${values["cloud-cpus"] !== undefined ? ` Both devices pinned to CPU(s) ${values["cloud-cpus"]} (\`taskset -c\`).` : ""} Both at the default 100 KiB data-track message limit (the reference's Python API cannot raise it, and Reliable channels are never compressed): clouds that compress to more are dropped after encoding. CPU per cloud = device process CPU from the first cloud until 1 s after the last / clouds logged (it includes the encoding, which runs in the background on both). Medians of ${repeats} session(s), ours and reference interleaved.`,
  "",
  cloudTable(cloudSamples),
];
const videoSection = [
  "### Video (`--workload video`)",
  "",
  `A device process logs a 1280x720 rgb8 \`foxglove.RawImage\` (protobuf) camera at 30 fps for ${fmt(videoSeconds, 0)} s: ours (\`bench/compare/videoDevice.ts\`${values.tsx ? ", through tsx" : ", built package"}) and the reference (foxglove-sdk ${REFERENCE_SDK_VERSION}, \`reference_video_device.py\`) draw the same scrolling scene with the frame index as a barcode (\`bench/videoFrames.ts\`), on the same schedule. One viewer (our viewer library, \`subscribe(channel, { video: true })\`) decodes the H.264 track; latency runs from each frame's scheduled log time to its decode (same host clock). Device CPU is the device process's user + system time over its logging (encoder threads included). ${repeats} run(s) per gateway, alternating.`,
  "",
  videoTable(videoSamples),
];
const report = [
  "## Side by side with the reference gateway (`npm run bench:compare`)",
  "",
  `Command: \`${command}\` (${fmt(minutes, 1)} min). Machine: ${machine}; load average ${loadBefore.map((l) => l.toFixed(1)).join(" ")} before, ${loadAfter.map((l) => l.toFixed(1)).join(" ")} after. Reference: foxglove-sdk ${cloudsOnly ? CLOUD_SDK_VERSION : REFERENCE_SDK_VERSION} (Python over the Rust core) from PyPI. livekit-server ${LIVEKIT_SERVER_VERSION}, our device API server, the same viewer for both. ${oneWorkload ? `${repeats} session(s) per gateway` : `${repeats} measured phase(s) of ${seconds} s per workload`}; medians.${stoppedEarly ? " **Stopped early at the time budget: some workloads are missing.**" : ""}`,
  "",
  ...(cloudsOnly
    ? cloudSection
    : videoOnly
      ? videoSection
      : [
          "Lossy channels are logged twice: as fast as the device can (offered `max`: the throughput), and at a common paced rate of min(1000 msgs/s, 4 MB/s) (CPU and latency at equal load). " +
            `Reliable channels are logged at the highest rate found sustained for each gateway in a search of ${probeSeconds} s probes (no reset, at least 95% of the rate logged, every message delivered, p99 latency ≤ 250 ms, drained within 0.5 s).`,
          "",
          figuresTable(rows),
          "",
          "Ratios ours / reference (delivered: higher is better for us; latency, CPU per message, RSS: lower is better):",
          "",
          ratioTable(rows),
          ...(ceiling.length > 0
            ? [
                "",
                "Raw ceiling: the same payloads between two bare LiveKit participants (our adapter), no protocol on top (lossy: one data-track frame per payload; reliable: one byte stream, 5-byte frames), measured the same way:",
                "",
                figuresTable(aggregate(ceiling)),
              ]
            : []),
          ...(cloudSamples.length > 0 ? ["", ...cloudSection] : []),
          ...(videoSamples.length > 0 ? ["", ...videoSection] : []),
        ]),
  "",
].join("\n");
console.log(`\n${report}`);
if (values.markdown !== undefined) writeFileSync(values.markdown, report);
if (values.json !== undefined) {
  writeFileSync(
    values.json,
    JSON.stringify(
      { machine, samples: [...samples, ...ceiling], clouds: cloudSamples, video: videoSamples },
      (_, v: unknown) => (typeof v === "bigint" ? v.toString() : v),
    ),
  );
}

function describeMachine(): string {
  const cpu = os.cpus()[0]?.model ?? "unknown CPU";
  let python = "";
  try {
    python = execFileSync(process.env.PYTHON || "python3", ["--version"])
      .toString()
      .trim();
  } catch {
    python = "python3 missing";
  }
  return `${cpu}, ${os.cpus().length} cores, ${fmt(os.totalmem() / 2 ** 30, 0)} GiB, Node ${process.version}, ${python}, ${os.platform()} ${os.release()}`;
}
