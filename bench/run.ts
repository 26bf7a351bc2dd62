// Runs every bench/*.bench.ts (or those whose name contains an argument) and prints a table.
import { readdirSync } from "node:fs";
import os from "node:os";
import type { Bench, BenchResult } from "./harness.js";

const filters = process.argv.slice(2);
const dir = new URL(".", import.meta.url);
const files = readdirSync(dir)
  .filter((f) => f.endsWith(".bench.ts"))
  .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)))
  .sort();

const cpu = os.cpus()[0]?.model ?? "unknown cpu";
console.log(`# ${cpu}, ${os.cpus().length} cores, node ${process.version}, ${os.platform()}`);
const rows: BenchResult[] = [];
for (const file of files) {
  const mod = (await import(new URL(file, dir).href)) as { default: Bench };
  for (const r of await mod.default()) {
    rows.push(r);
    console.log(
      `${file.padEnd(24)} ${r.name.padEnd(52)} ${r.value.toFixed(r.value < 10 ? 2 : 1).padStart(12)} ${r.unit}${r.detail ? `  (${r.detail})` : ""}`,
    );
  }
}
if (rows.length === 0) {
  console.log("no benchmarks matched");
}
