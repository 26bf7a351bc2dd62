// Push spacing of a bench device (ours or the bare adapter, both built), preloaded with `--import`:
// wraps LocalDataTrack#tryPushWithHeader of the built package and, per data track and payload
// size, counts the measured frames pushed and the gaps between the starts of consecutive pushes
// (LiveKit's one-slot sender evicts a frame when the next arrives before it has taken the
// previous), how long each push call took, and the GC pauses. Writes a JSON line per track and
// size to stderr when the process exits (`--verbose` shows it) and to PUSH_INTERVALS_FILE if set
// (appended). Example, the paced lossy rows with the bare adapter beside ours:
//   BENCH_DEVICE_NODE_ARGS="--import $PWD/bench/pushIntervals.mjs" \
//   PUSH_INTERVALS_FILE=/tmp/push.jsonl npm run bench:compare -- --qos lossy --lossy-rates paced \
//   --sizes 64,1024 --viewers 1 --repeats 1 --impls ours
import { appendFileSync } from "node:fs";
import { PerformanceObserver } from "node:perf_hooks";

const { LocalDataTrack } = await import(
  new URL("../dist/livekit/LocalDataTrack.js", import.meta.url).href
);
/** Upper bounds of the gap buckets, in µs. */
const GAP_BOUNDS_US = [50, 100, 200, 500, 800, 1000, 1200, 1500, 2000, 5000, Infinity];
/** Measured payload byte: the phase (bench/compare/payload.ts), after seq and time. */
const PHASE_OFFSET = 16;
const stats = new Map();
const lastAt = new WeakMap();
let trackIds = 0;
const trackId = new WeakMap();

const original = LocalDataTrack.prototype.tryPushWithHeader;
LocalDataTrack.prototype.tryPushWithHeader = function (header, payload, userTimestamp) {
  const start = performance.now();
  const result = original.call(this, header, payload, userTimestamp);
  const end = performance.now();
  const previous = lastAt.get(this);
  lastAt.set(this, start);
  // A frame held by the pacer comes back as one buffer (header included): not classified.
  if (header === undefined && this.name.startsWith("data-ch-")) return result;
  if (payload[PHASE_OFFSET] !== 1 || previous === undefined) return result;
  if (!trackId.has(this)) trackId.set(this, ++trackIds);
  const key = `${trackId.get(this)} ${payload.byteLength}`;
  let s = stats.get(key);
  if (s === undefined) {
    s = {
      pushes: 0,
      results: {},
      gaps: GAP_BOUNDS_US.map(() => 0),
      callUs: 0,
      maxCallUs: 0,
      run: 0,
      bursts: {},
    };
    stats.set(key, s);
  }
  s.pushes += 1;
  s.results[result] = (s.results[result] ?? 0) + 1;
  const gap = (start - previous) * 1000;
  s.gaps[GAP_BOUNDS_US.findIndex((b) => gap < b)] += 1;
  // Bursts: runs of frames each pushed within 200 µs of the previous one, by length.
  if (gap < 200) s.run += 1;
  else if (s.run > 0) {
    s.bursts[s.run + 1] = (s.bursts[s.run + 1] ?? 0) + 1;
    s.run = 0;
  }
  const call = (end - start) * 1000;
  s.callUs += call;
  if (call > s.maxCallUs) s.maxCallUs = call;
  return result;
};

const gc = { count: 0, ms: 0, maxMs: 0, over1ms: 0, kinds: {} };
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    gc.count += 1;
    gc.ms += e.duration;
    if (e.duration > gc.maxMs) gc.maxMs = e.duration;
    if (e.duration >= 1) gc.over1ms += 1;
    const kind = e.detail?.kind ?? 0; // 1 minor (scavenge), 4 major, 8 incremental, 16 weak cb
    const k = (gc.kinds[kind] ??= { count: 0, maxMs: 0 });
    k.count += 1;
    if (e.duration > k.maxMs) k.maxMs = Math.round(e.duration * 10) / 10;
  }
}).observe({ entryTypes: ["gc"] });

process.on("exit", () => {
  const device = process.argv[1]?.split("/").at(-1);
  const lines = [...stats].map(([key, s]) => {
    const [track, size] = key.split(" ");
    const gaps = Object.fromEntries(GAP_BOUNDS_US.map((b, i) => [`<${b}`, s.gaps[i]]));
    return JSON.stringify({
      device,
      pid: process.pid,
      track: Number(track),
      size: Number(size),
      pushes: s.pushes,
      results: s.results,
      gapsUs: gaps,
      meanCallUs: Math.round(s.callUs / s.pushes),
      maxCallUs: Math.round(s.maxCallUs),
      bursts: s.bursts,
      gc: { ...gc, ms: Math.round(gc.ms), maxMs: Math.round(gc.maxMs * 10) / 10 },
    });
  });
  if (lines.length === 0) return;
  const text = lines.map((l) => `pushIntervals ${l}\n`).join("");
  process.stderr.write(text);
  if (process.env.PUSH_INTERVALS_FILE) appendFileSync(process.env.PUSH_INTERVALS_FILE, text);
});
