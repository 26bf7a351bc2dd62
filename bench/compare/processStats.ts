// What the benchmark device programs (ourDevice.ts, rawDevice.ts) report about themselves, and
// how they report it: one JSON event per stdout line, as reference_device.py does.
import { readFileSync, writeFileSync } from "node:fs";

/** Writes one event line `{ event, ...fields }` to stdout. */
export function emit(event: string, fields: Record<string, unknown> = {}): void {
  process.stdout.write(`${JSON.stringify({ event, ...fields })}\n`);
}

/** Peak RSS of this process, bytes (VmHWM on Linux; reset by {@link resetPeakRss}). */
export function peakRssBytes(): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"));
    if (m !== null) return Number(m[1]) * 1024;
  } catch {
    // not Linux: fall through
  }
  return process.resourceUsage().maxRSS * 1024;
}

/** Resets VmHWM to the current RSS (Linux; ignored elsewhere). */
export function resetPeakRss(): void {
  try {
    writeFileSync("/proc/self/clear_refs", "5");
  } catch {
    // not Linux, or not allowed
  }
}

/** CPU time (user + system) this process has used, seconds. */
export function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}
