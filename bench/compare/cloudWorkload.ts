// The `pointcloud` workload of `npm run bench:compare`: both gateways log the same encoded
// 100,000-point foxglove.PointCloud (generated once here, handed to both devices as a file) on a
// Lossy channel at a fixed rate to one viewer (our viewer library), which counts the clouds and
// bytes it receives. See bench/compare/run.ts and BENCHMARKS.md.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ApiServer } from "../../src/api-server/index.js";
import type { IceServerConfig } from "../../src/livekit/index.js";
import { syntheticLidarCloud } from "../../src/media/pointcloud/index.js";
import { PointCloud } from "../../src/messages/index.js";
import { connectViewer as joinViewer } from "../../src/viewer/index.js";
import type { CloudSample } from "./cloudReport.js";
import { DeviceProcess } from "./DeviceProcess.js";
import { connectViewer, deviceCommand, type BenchDevice } from "./DeviceSession.js";

/** Topic of the cloud channel on both devices. */
export const CLOUD_TOPIC = "/cloud";
const SETUP_TIMEOUT_MS = 30_000;
/** The drain after a phase ends when no cloud arrived for this long. */
const QUIET_MS = 1500;

/** The files both devices read: the encoded cloud and the PointCloud descriptor set. */
export interface CloudFiles {
  cloud: string;
  schema: string;
  rawBytes: number;
}

/** Writes the synthetic lidar cloud of `points` points (protobuf) and its schema into `dir`. */
export function writeCloudFiles(dir: string, points: number): CloudFiles {
  const bytes = PointCloud.encode(syntheticLidarCloud(2.5, { points }));
  const cloud = join(dir, `cloud-${points}.pb`);
  const schema = join(dir, "foxglove.PointCloud.fds");
  writeFileSync(cloud, bytes);
  writeFileSync(schema, PointCloud.schema!.data);
  return { cloud, schema, rawBytes: bytes.byteLength };
}

/** What one point-cloud session needs. */
export interface CloudSessionOptions {
  api: ApiServer;
  iceServers: readonly IceServerConfig[];
  /** Python of the 0.30.3 venv. */
  python: string;
  device: BenchDevice;
  files: CloudFiles;
  /** Clouds per second logged. */
  rate: number;
  /** Length of each measured phase, s. */
  seconds: number;
  /** Measured phases in this session. */
  phases: number;
  /** Draco method and bits, passed to both devices (default: each SDK's default policy). */
  method?: string | undefined;
  bits?: number | undefined;
  /** Our gateway's `pointCloudEncoders` (ignored for the reference). */
  encoders?: string | undefined;
  /**
   * CPUs both devices are pinned to (`taskset -c`, e.g. `0` for a one-core device), so the encoding
   * competes with the rest of the device as on a small or busy computer; default: not pinned.
   */
  cpus?: string | undefined;
  onDeviceLog?: (line: string) => void;
}

/**
 * Starts one device (`impl`) and one viewer subscribed to /cloud, logs one warm-up second, then
 * `phases` measured phases; each waits for the viewer to drain. Throws when setup fails.
 */
export async function measureCloudSession(
  impl: "ours" | "reference",
  o: CloudSessionOptions,
): Promise<CloudSample[]> {
  const args = ["--name", `bench-${impl}`, "--cloud-schema", o.files.schema];
  if (o.method !== undefined) args.push("--cloud-method", o.method);
  if (o.bits !== undefined) args.push("--cloud-bits", String(o.bits));
  if (o.encoders !== undefined && impl === "ours") args.push("--cloud-encoders", o.encoders);
  const command = deviceCommand(impl, o.python, args);
  const proc = DeviceProcess.start({
    ...(o.cpus === undefined
      ? command
      : { command: "taskset", args: ["-c", o.cpus, command.command, ...command.args] }),
    env: { FOXGLOVE_API_URL: o.api.url, FOXGLOVE_DEVICE_TOKEN: o.device.token },
    ...(o.onDeviceLog !== undefined ? { onStderr: o.onDeviceLog } : {}),
  });
  let delivered = 0;
  let deliveredBytes = 0;
  let last = performance.now();
  let close: () => Promise<void> = () => Promise.resolve();
  try {
    await proc.waitFor("status", {
      match: (e) => e.status === "Connected",
      timeoutMs: SETUP_TIMEOUT_MS,
    });
    const grant = await connectViewer(o.api, o.device.id, 0);
    const viewer = await joinViewer({
      livekitUrl: grant.livekitUrl,
      token: grant.token,
      deviceIdentity: grant.deviceIdentity,
      connectTimeoutMs: SETUP_TIMEOUT_MS,
      iceServers: o.iceServers,
    });
    close = () => viewer.close();
    viewer.subscribe(CLOUD_TOPIC, {
      onMessage: (m) => {
        delivered++;
        deliveredBytes += m.data.byteLength;
        last = performance.now();
      },
    });
    await proc.waitFor("subscribers", { match: (e) => e.count >= 1, timeoutMs: SETUP_TIMEOUT_MS });
    const run = async (seconds: number) => {
      const from = proc.events.length;
      proc.send(`cloudrun ${o.files.cloud} ${o.rate} ${seconds}`);
      const ran = await proc.waitFor("result", { from, timeoutMs: seconds * 1000 + 60_000 });
      while (performance.now() - last < QUIET_MS) {
        await new Promise((r) => setTimeout(r, 100));
      }
      return ran;
    };
    await run(1);
    const out: CloudSample[] = [];
    for (let i = 0; i < o.phases; i++) {
      delivered = 0;
      deliveredBytes = 0;
      const ran = await run(o.seconds);
      out.push({
        impl,
        sent: ran.sent,
        seconds: ran.seconds,
        cpuSeconds: ran.cpuSeconds,
        delivered,
        deliveredBytes,
        rawBytes: o.files.rawBytes,
      });
    }
    return out;
  } finally {
    await close();
    await proc.stop();
  }
}
