// Allocation profile of a bench device, preloaded with `--import`: V8's sampling heap profiler,
// counting objects the GC has already collected too (what makes the young generation work), from
// HEAP_SAMPLING_START_MS after start for HEAP_SAMPLING_MS. Writes the bytes allocated per function
// (self) to /tmp/heap-sampling-<pid>.txt and the profile to /tmp/heap-sampling-<pid>.heapprofile
// (Chrome DevTools opens it). Plain JavaScript, so the built device can load it. Example, our
// device at lossy max rate with inlining off so that allocations are charged to their own function:
//   BENCH_DEVICE_NODE_ARGS="--import $PWD/bench/heapSampling.mjs --no-turbo-inlining" \
//   HEAP_SAMPLING_START_MS=9000 npm run bench:compare -- --qos lossy --impls ours --sizes 64 \
//   --viewers 1 --repeats 1 --seconds 8 --no-ceiling
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";

const startMs = Number(process.env.HEAP_SAMPLING_START_MS ?? 10000);
const durationMs = Number(process.env.HEAP_SAMPLING_MS ?? 3000);
const session = new Session();
session.connect();

setTimeout(async () => {
  await session.post("HeapProfiler.enable");
  await session.post("HeapProfiler.startSampling", {
    samplingInterval: 4096,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  });
  setTimeout(async () => {
    const { profile } = await session.post("HeapProfiler.stopSampling");
    const bytes = new Map();
    let total = 0;
    const walk = (node) => {
      const f = node.callFrame;
      const name = `${f.functionName || "(anonymous)"} ${f.url.split("/").slice(-2).join("/")}:${f.lineNumber + 1}`;
      if (node.selfSize > 0) {
        bytes.set(name, (bytes.get(name) ?? 0) + node.selfSize);
        total += node.selfSize;
      }
      for (const child of node.children) walk(child);
    };
    walk(profile.head);
    const rows = [...bytes]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 30)
      .map(([k, v]) => `${(v / 2 ** 20).toFixed(2)} MiB ${((100 * v) / total).toFixed(1)}% ${k}`);
    const base = `/tmp/heap-sampling-${process.pid}`;
    writeFileSync(
      `${base}.txt`,
      `${(total / 2 ** 20).toFixed(1)} MiB in ${durationMs} ms\n${rows.join("\n")}\n`,
    );
    writeFileSync(`${base}.heapprofile`, JSON.stringify(profile));
  }, durationMs).unref();
}, startMs).unref();
