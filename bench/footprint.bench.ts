// What the device process holds before it joins a room, stage by stage, each stage in a fresh
// plain-node process importing the built package (run `npm run build` first): node alone, our
// core + gateway, the LiveKit adapter's connectRoom (rtc-node and the FFI bindings loaded), and
// the FFI initialized (its native runtime started). Figures after a full GC (--expose-gc is a
// measuring aid here, not a setting users need).
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { median, type BenchResult } from "./harness.js";

const ROOT = new URL("..", import.meta.url);
const dist = (path: string) => new URL(`dist/${path}`, ROOT).href;
const REPEATS = 3;

type Sample = NodeJS.MemoryUsage & { rssBeforeGc: number; newSpace: number };

const STAGES: { name: string; code: string }[] = [
  { name: "node alone", code: "" },
  {
    name: "+ core and gateway",
    code: `await import(${JSON.stringify(dist("index.js"))}); await import(${JSON.stringify(dist("gateway/index.js"))});`,
  },
  {
    name: "+ connectRoom (rtc-node loaded)",
    code: `await import(${JSON.stringify(dist("index.js"))}); await import(${JSON.stringify(dist("gateway/index.js"))}); await import(${JSON.stringify(dist("livekit/connectRoom.js"))});`,
  },
  {
    name: "+ FFI initialized (before joining)",
    code: `await import(${JSON.stringify(dist("index.js"))}); await import(${JSON.stringify(dist("gateway/index.js"))}); await import(${JSON.stringify(dist("livekit/connectRoom.js"))}); const n = await import(${JSON.stringify(dist("livekit/native.js"))}); n.ffiClient(); await new Promise((r) => setTimeout(r, 200));`,
  },
];

// rssBeforeGc and newSpace (V8's young generation, committed) are read before the GC: loading
// modules grows the young generation, and a running device keeps it (BENCHMARKS.md, issue 15).
const REPORT = `const v8 = await import("node:v8"); const rssBeforeGc = process.memoryUsage().rss; const newSpace = v8.getHeapSpaceStatistics().find((s) => s.space_name === "new_space").space_size; globalThis.gc(); const m = process.memoryUsage(); console.log(JSON.stringify({ ...m, rssBeforeGc, newSpace })); process.exit(0);`;

export default function footprintBench(): BenchResult[] {
  if (!existsSync(new URL("dist/livekit/connectRoom.js", ROOT))) {
    return [{ name: "footprint: run `npm run build` first", value: 0, unit: "" }];
  }
  const results: BenchResult[] = [];
  for (const stage of STAGES) {
    const samples: Sample[] = [];
    for (let r = 0; r < REPEATS; r++) {
      const out = execFileSync(
        process.execPath,
        ["--expose-gc", "--input-type=module", "-e", `${stage.code}\n${REPORT}`],
        { encoding: "utf8" },
      );
      samples.push(JSON.parse(out.trim().split("\n").at(-1)!) as Sample);
    }
    const mib = (pick: (m: Sample) => number) => median(samples.map(pick)) / 1024 / 1024;
    results.push({
      name: `footprint ${stage.name}: rss`,
      value: mib((m) => m.rss),
      unit: "MiB",
      detail: `heapUsed ${mib((m) => m.heapUsed).toFixed(1)}, heapTotal ${mib((m) => m.heapTotal).toFixed(1)}, external ${mib((m) => m.external).toFixed(1)}, arrayBuffers ${mib((m) => m.arrayBuffers).toFixed(1)} MiB; before the GC: rss ${mib((m) => m.rssBeforeGc).toFixed(1)}, young generation ${mib((m) => m.newSpace).toFixed(1)} MiB committed; median of ${REPEATS}`,
    });
  }
  return results;
}
