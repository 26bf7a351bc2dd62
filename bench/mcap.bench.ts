// MCAP write throughput: our McapWriter beside the reference SDK's (PyPI foxglove-sdk, run by
// bench/reference_mcap.py in the reference venv), same workload, in one run.
// Each run: open the file, log N pre-built messages on one channel, close; time open..close.
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { Context } from "../src/core/Context.js";
import { RawChannel } from "../src/core/RawChannel.js";
import { openMcap, type McapCompression } from "../src/mcap/index.js";
import { ensureReferenceVenv } from "./compare/referenceVenv.js";
import { deadline, median, type BenchResult } from "./harness.js";

const run = promisify(execFile);
const REPEATS = 3;
/** Payload size → messages per run (about 6-32 MB of payload each). */
const WORKLOADS: readonly [size: number, count: number][] = [
  [64, 100_000],
  [1024, 20_000],
  [65_536, 500],
];
const COMPRESSIONS: readonly McapCompression[] = ["zstd", "lz4", null];
/** A producer that yields to the event loop this often (bytes logged), as a live program does. */
const YIELD_EVERY_BYTES = 1024 * 1024;
/**
 * Cells to run: `MCAP_BENCH_CELLS` holds comma-separated substrings of cell labels (e.g.
 * `64 KiB x 500, lz4,1 KiB`); unset, every cell runs.
 */
const CELLS = (process.env.MCAP_BENCH_CELLS ?? "").split(",").filter((s) => s !== "");
/**
 * `MCAP_BENCH_FRESH=1`: remove the previous run's file before each timed run, so that neither
 * writer's time includes the kernel freeing the old file's pages when `open` truncates it (about
 * 10 ms per 32 MB here, paid alike by both). Unset: each run overwrites the last one's file.
 */
const FRESH = process.env.MCAP_BENCH_FRESH === "1";

/** Each message: first half random, second half zeros (about 2:1, nothing repeated). */
function payloads(size: number, count: number): Uint8Array[] {
  const all = new Uint8Array(size * count); // views on one buffer: no per-message backing store
  return Array.from({ length: count }, (_, i) => {
    const data = all.subarray(i * size, (i + 1) * size);
    data.set(randomBytes(size >> 1));
    return data;
  });
}

/** Wall and CPU seconds (all threads of the process) of one run. */
interface Timing {
  seconds: number;
  cpuSeconds: number;
}

async function ours(
  path: string,
  compression: McapCompression,
  messages: Uint8Array[],
): Promise<Timing> {
  const context = new Context();
  const channel = new RawChannel("/bench", {
    context,
    messageEncoding: "raw",
    schema: { name: "bench.Blob", encoding: "jsonschema", data: new TextEncoder().encode("{}") },
  });
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  const writer = await openMcap(path, { context, compression, allowOverwrite: true });
  let sinceYield = 0;
  for (let i = 0; i < messages.length; i++) {
    const data = messages[i]!;
    channel.log(data, { logTime: BigInt(i) });
    sinceYield += data.byteLength;
    if (sinceYield >= YIELD_EVERY_BYTES) {
      sinceYield = 0;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  await writer.close();
  const seconds = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  if (writer.dropped > 0 || writer.messageCount !== messages.length) {
    throw new Error(`our writer dropped ${writer.dropped} of ${messages.length} messages`);
  }
  context.close();
  return { seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
}

async function reference(
  python: string,
  path: string,
  compression: McapCompression,
  size: number,
  count: number,
): Promise<Timing> {
  const script = new URL("./reference_mcap.py", import.meta.url).pathname;
  const { stdout } = await run(python, [
    script,
    path,
    compression ?? "none",
    `${size}`,
    `${count}`,
  ]);
  return JSON.parse(stdout) as Timing;
}

export default async function mcapBench(): Promise<BenchResult[]> {
  const { python, version } = await ensureReferenceVenv();
  const dir = await mkdtemp(join(tmpdir(), "mcap-bench-"));
  const results: BenchResult[] = [];
  try {
    for (const [size, count] of WORKLOADS) {
      const messages = payloads(size, count);
      const mb = (size * count) / 1e6;
      for (const compression of COMPRESSIONS) {
        const label = `${size >= 1024 ? `${size / 1024} KiB` : `${size} B`} x ${count}, ${compression ?? "none"}`;
        if (CELLS.length > 0 && !CELLS.some((cell) => label.includes(cell))) {
          continue;
        }
        const ourPath = join(dir, "ours.mcap");
        const refPath = join(dir, "reference.mcap");
        const ourRuns: Timing[] = [];
        const refRuns: Timing[] = [];
        for (let r = 0; r < REPEATS; r++) {
          if (FRESH) {
            await Promise.all([rm(ourPath, { force: true }), rm(refPath, { force: true })]);
          }
          ourRuns.push(await deadline(ours(ourPath, compression, messages), 120_000, label));
          refRuns.push(
            await deadline(reference(python, refPath, compression, size, count), 120_000, label),
          );
        }
        const [ourBytes, refBytes] = [(await stat(ourPath)).size, (await stat(refPath)).size];
        const o = median(ourRuns.map((t) => t.seconds));
        const f = median(refRuns.map((t) => t.seconds));
        const oc = median(ourRuns.map((t) => t.cpuSeconds));
        const fc = median(refRuns.map((t) => t.cpuSeconds));
        results.push(
          {
            name: `MCAP write ${label}: ours`,
            value: mb / o,
            unit: "MB/s",
            detail: `${Math.round(count / o)} msg/s, ${(mb / oc).toFixed(1)} MB per CPU-s, file ${(ourBytes / 1e6).toFixed(1)} MB; vs reference ${(f / o).toFixed(2)}x wall, ${(fc / oc).toFixed(2)}x CPU`,
          },
          {
            name: `MCAP write ${label}: reference ${version}`,
            value: mb / f,
            unit: "MB/s",
            detail: `${Math.round(count / f)} msg/s, ${(mb / fc).toFixed(1)} MB per CPU-s, file ${(refBytes / 1e6).toFixed(1)} MB`,
          },
        );
      }
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return results;
}
