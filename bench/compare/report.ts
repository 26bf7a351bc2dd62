import { median } from "../harness.js";
import type { Impl, Measurement } from "./DeviceSession.js";
import type { Qos } from "./workload.js";

/**
 * How the offered rate was chosen: `max` = as fast as the device can log, `paced` = a fixed rate
 * the same for every gateway, `search` = the highest rate found sustained for this gateway.
 */
export type RateMode = "max" | "paced" | "search";

/** One measured phase with what was measured. */
export interface Sample {
  impl: Impl;
  qos: Qos;
  size: number;
  viewers: number;
  mode: RateMode;
  /** Offered rate, msgs/s; 0 = as fast as the device could log. */
  rate: number;
  m: Measurement;
}

/** The figures of one phase (or the medians over several). */
export interface Figures {
  /** Messages logged per second. */
  loggedPerSec: number;
  /** Distinct messages per second reaching each viewer (mean over viewers). */
  deliveredPerSec: number;
  /** Payload MB/s (10^6 bytes) reaching each viewer (mean over viewers). */
  deliveredMBps: number;
  /** Logged messages that did not reach a viewer, % (mean over viewers). */
  lossPct: number;
  /** Log → viewer latency, ms: median over viewers of their median. */
  p50Ms: number;
  /** Log → viewer latency, ms: median over viewers of their 99th percentile. */
  p99Ms: number;
  /** Device CPU during the phase, % of one core. */
  cpuPct: number;
  /** Device CPU per logged message, µs. */
  cpuUsPerMsg: number;
  /** Device peak RSS during the phase, MiB. */
  peakRssMiB: number;
  /** Viewer resets during the phase. */
  resets: number;
}

/** Medians over the good phases of one workload and gateway. */
export interface Row {
  impl: Impl;
  qos: Qos;
  size: number;
  viewers: number;
  mode: RateMode;
  /** Median offered rate, msgs/s (0 for `max`). */
  rate: number;
  /** Phases that completed. */
  runs: number;
  /** Phases that failed (error), not in the medians. */
  failures: number;
  /** Medians, or undefined when no phase completed. */
  figures: Figures | undefined;
}

/** Figures of one phase; undefined for a failed one. */
export function figuresOf(m: Measurement): Figures | undefined {
  if (m.error !== undefined || m.seconds <= 0 || m.viewers.length === 0) return undefined;
  const mean = (f: (v: Measurement["viewers"][number]) => number) =>
    m.viewers.reduce((s, v) => s + f(v), 0) / m.viewers.length;
  const received = mean((v) => v.received);
  return {
    loggedPerSec: m.sent / m.seconds,
    deliveredPerSec: received / m.seconds,
    deliveredMBps: mean((v) => v.bytes) / m.seconds / 1e6,
    lossPct: m.sent > 0 ? 100 * (1 - received / m.sent) : 0,
    p50Ms: median(m.viewers.map((v) => v.p50Ms)),
    p99Ms: median(m.viewers.map((v) => v.p99Ms)),
    cpuPct: (100 * m.cpuSeconds) / m.seconds,
    cpuUsPerMsg: m.sent > 0 ? (1e6 * m.cpuSeconds) / m.sent : NaN,
    peakRssMiB: m.peakRssBytes / 2 ** 20,
    resets: m.resets,
  };
}

const KEYS = [
  "loggedPerSec",
  "deliveredPerSec",
  "deliveredMBps",
  "lossPct",
  "p50Ms",
  "p99Ms",
  "cpuPct",
  "cpuUsPerMsg",
  "peakRssMiB",
  "resets",
] as const satisfies readonly (keyof Figures)[];

/** Groups samples by (impl, qos, size, viewers, mode) and takes the median of each figure. */
export function aggregate(samples: readonly Sample[]): Row[] {
  const groups = new Map<string, Sample[]>();
  for (const s of samples) {
    const key = `${s.impl}|${s.qos}|${s.size}|${s.viewers}|${s.mode}`;
    const list = groups.get(key) ?? [];
    list.push(s);
    groups.set(key, list);
  }
  const rows: Row[] = [];
  for (const list of groups.values()) {
    const first = list[0]!;
    const good = list.map((s) => figuresOf(s.m)).filter((f) => f !== undefined);
    let figures: Figures | undefined;
    if (good.length > 0) {
      const f = {} as Figures;
      for (const k of KEYS) f[k] = median(good.map((g) => g[k]));
      figures = f;
    }
    rows.push({
      impl: first.impl,
      qos: first.qos,
      size: first.size,
      viewers: first.viewers,
      mode: first.mode,
      rate: median(list.map((s) => s.rate)),
      runs: good.length,
      failures: list.length - good.length,
      figures,
    });
  }
  const order: Record<Impl, number> = { ours: 0, reference: 1, raw: 2 };
  const modes: Record<RateMode, number> = { max: 0, paced: 1, search: 2 };
  return rows.sort(
    (a, b) =>
      a.qos.localeCompare(b.qos) ||
      modes[a.mode] - modes[b.mode] ||
      a.size - b.size ||
      a.viewers - b.viewers ||
      order[a.impl] - order[b.impl],
  );
}

/** "64 B", "16 KiB". */
export function formatSize(bytes: number): string {
  return bytes >= 1024 ? `${bytes / 1024} KiB` : `${bytes} B`;
}

/** A number with sensible precision for a table ("–" for NaN or undefined). */
export function fmt(x: number | undefined, digits?: number): string {
  if (x === undefined || !Number.isFinite(x)) return "–";
  const d = digits ?? (Math.abs(x) >= 100 ? 0 : Math.abs(x) >= 10 ? 1 : 2);
  return x.toLocaleString("en-US", { maximumFractionDigits: d, minimumFractionDigits: d });
}

function rateText(r: Pick<Row, "mode" | "rate">): string {
  if (r.mode === "max") return "max";
  return r.mode === "search" ? `${fmt(r.rate, 0)} (found)` : fmt(r.rate, 0);
}

/** The figures as a markdown table (one line per row). */
export function figuresTable(rows: readonly Row[]): string {
  const lines = [
    "| QoS | size | viewers | gateway | offered msgs/s | logged msgs/s | delivered msgs/s | MB/s | loss % | p50 ms | p99 ms | CPU % | CPU µs/msg | peak RSS MiB | runs |",
    "|---|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
  ];
  for (const r of rows) {
    const f = r.figures;
    lines.push(
      `| ${r.qos} | ${formatSize(r.size)} | ${r.viewers} | ${r.impl} | ${rateText(r)} | ${fmt(f?.loggedPerSec, 0)} | ${fmt(f?.deliveredPerSec, 0)} | ${fmt(f?.deliveredMBps)} | ${fmt(f?.lossPct, 1)} | ${fmt(f?.p50Ms)} | ${fmt(f?.p99Ms)} | ${fmt(f?.cpuPct, 0)} | ${fmt(f?.cpuUsPerMsg)} | ${fmt(f?.peakRssMiB, 0)} | ${r.runs}${r.failures > 0 ? ` (+${r.failures} failed)` : ""} |`,
    );
  }
  return lines.join("\n");
}

/** Ratio `a / b` of one figure, or undefined when either side is missing or b is 0. */
export function ratio(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined || b === undefined || !Number.isFinite(a) || !Number.isFinite(b) || b === 0) {
    return undefined;
  }
  return a / b;
}

/**
 * Ratios ours/reference for each workload both measured: delivered msgs/s (higher is better for
 * us), latencies, CPU per message and peak RSS (lower is better for us).
 */
export function ratioTable(rows: readonly Row[]): string {
  const lines = [
    "| QoS | size | viewers | offered (ours / ref) | delivered msgs/s | p50 | p99 | CPU µs/msg | peak RSS |",
    "|---|---|---:|---|---:|---:|---:|---:|---:|",
  ];
  for (const ours of rows.filter((r) => r.impl === "ours")) {
    const ref = rows.find(
      (r) =>
        r.impl === "reference" &&
        r.qos === ours.qos &&
        r.size === ours.size &&
        r.viewers === ours.viewers &&
        r.mode === ours.mode,
    );
    if (ref === undefined) continue;
    const a = ours.figures;
    const b = ref.figures;
    const x = (k: keyof Figures) => fmt(ratio(a?.[k], b?.[k]), 2);
    lines.push(
      `| ${ours.qos} | ${formatSize(ours.size)} | ${ours.viewers} | ${rateText(ours)} / ${rateText(ref)} | ${x("deliveredPerSec")} | ${x("p50Ms")} | ${x("p99Ms")} | ${x("cpuUsPerMsg")} | ${x("peakRssMiB")} |`,
    );
  }
  return lines.join("\n");
}
