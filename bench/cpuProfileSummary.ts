// Summarizes a V8 .cpuprofile (node --cpu-prof) over a time window: self time by function and by
// owner (our package, rtc-node and its FFI bindings, other npm code, Node internals, native
// code/GC/idle). Usage:
//   node --import tsx bench/cpuProfileSummary.ts FILE [--skip-end-ms N] [--window-ms N] [--top N]
// The window ends `skip-end-ms` before the last sample (default 1500) and lasts `window-ms`
// (default: everything before that). Used for the lossy-path profile in BENCHMARKS.md.
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    "skip-end-ms": { type: "string", default: "1500" },
    "window-ms": { type: "string" },
    top: { type: "string", default: "15" },
  },
});
const profile = JSON.parse(readFileSync(positionals[0]!, "utf8")) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const times: number[] = [];
let t = 0;
for (const d of profile.timeDeltas) {
  t += d;
  times.push(t);
}
const end = t - Number(values["skip-end-ms"]) * 1000;
const start = values["window-ms"] === undefined ? 0 : end - Number(values["window-ms"]) * 1000;

function owner(url: string, name: string): string {
  if (url === "") {
    return name === "(idle)" ? "idle" : name === "(garbage collector)" ? "GC" : "native/other";
  }
  if (url.includes("/dist/") && !url.includes("node_modules")) return "ours";
  if (url.includes("@livekit")) return "rtc-node + bindings";
  if (url.includes("@bufbuild")) return "protobuf-es";
  if (url.includes("node_modules")) return "other npm";
  if (url.startsWith("node:")) return "node internals";
  return "bench program";
}

const byFunction = new Map<string, number>();
const byOwner = new Map<string, number>();
let total = 0;
for (let i = 0; i < profile.samples.length; i++) {
  if (times[i]! < start || times[i]! > end) continue;
  const node = byId.get(profile.samples[i]!)!;
  const { functionName, url, lineNumber } = node.callFrame;
  const name = functionName || "(anonymous)";
  const key = `${name} ${url.replace(/^.*\/(node_modules|dist)\//, "$1/")}:${lineNumber + 1}`;
  byFunction.set(key, (byFunction.get(key) ?? 0) + 1);
  const o = owner(url, name);
  byOwner.set(o, (byOwner.get(o) ?? 0) + 1);
  total += 1;
}
const busy = total - (byOwner.get("idle") ?? 0);
const pct = (n: number, of: number) => `${((100 * n) / of).toFixed(1)} %`;
console.log(
  `window ${((end - start) / 1e6).toFixed(1)} s, ${total} samples, busy ${pct(busy, total)}`,
);
console.log("self time by owner (share of busy samples):");
for (const [o, n] of [...byOwner].sort((a, b) => b[1] - a[1])) {
  if (o !== "idle") console.log(`  ${o.padEnd(22)} ${pct(n, busy)}`);
}
console.log("top functions (self, share of busy samples):");
for (const [k, n] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, Number(values.top))) {
  if (!k.startsWith("(idle)")) console.log(`  ${pct(n, busy).padStart(7)}  ${k}`);
}
