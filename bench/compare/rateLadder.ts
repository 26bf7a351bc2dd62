/** One probe of the rate search: the offered rate (msgs/s) and whether it was sustained. */
export interface Probe {
  rate: number;
  passed: boolean;
}

/** Options of {@link nextProbeRate}. */
export interface LadderOptions {
  /** First rate to try, msgs/s. */
  startRate: number;
  /** Step between rates while climbing or descending (default 2). */
  factor?: number;
  /** Most probes in one search (default 6). */
  maxProbes?: number;
  /** Never probe above this rate (default unbounded). */
  maxRate?: number;
  /** Never probe below this rate (default 1). */
  minRate?: number;
}

/**
 * The next rate to probe in a search for the highest sustained rate, or undefined when the search
 * is over (pure). It climbs by `factor` from `startRate` while probes pass; after the first
 * failure it tries the geometric midpoint between the best pass and that failure once; if the
 * first probes fail it descends by `factor` until one passes. The result is {@link bestRate} of the history.
 */
export function nextProbeRate(
  history: readonly Probe[],
  options: LadderOptions,
): number | undefined {
  const factor = options.factor ?? 2;
  const maxProbes = options.maxProbes ?? 6;
  const maxRate = options.maxRate ?? Infinity;
  const minRate = options.minRate ?? 1;
  if (history.length === 0) return clampRate(options.startRate, minRate, maxRate);
  if (history.length >= maxProbes) return undefined;
  const best = bestRate(history);
  const failed = history.filter((p) => !p.passed).map((p) => p.rate);
  const lowestFail = failed.length > 0 ? Math.min(...failed) : undefined;
  const last = history[history.length - 1]!;
  if (best === undefined) {
    // Nothing passed yet: descend.
    const next = Math.floor(last.rate / factor);
    return next >= minRate && next < last.rate ? next : undefined;
  }
  if (lowestFail === undefined) {
    // Everything passed: climb.
    const next = Math.min(Math.round(last.rate * factor), maxRate);
    return next > last.rate ? next : undefined;
  }
  // Climbed into the first failure: one geometric midpoint, then stop.
  if (failed.length !== 1 || last.passed || lowestFail <= best) return undefined;
  const mid = Math.round(Math.sqrt(best * lowestFail));
  return mid > best && mid < lowestFail ? mid : undefined;
}

/** The highest rate that passed, or undefined. */
export function bestRate(history: readonly Probe[]): number | undefined {
  const passed = history.filter((p) => p.passed).map((p) => p.rate);
  return passed.length > 0 ? Math.max(...passed) : undefined;
}

function clampRate(rate: number, min: number, max: number): number {
  return Math.min(Math.max(Math.round(rate), min), max);
}
