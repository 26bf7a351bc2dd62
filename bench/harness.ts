/** One measured figure printed by `npm run bench`. */
export interface BenchResult {
  /** What was measured, e.g. "log() with no subscriber". */
  name: string;
  /** The median over the repeats. */
  value: number;
  /** Unit of `value`, e.g. "ns/call" or "MB/s". */
  unit: string;
  /** Free-form detail: repeats, spread, sizes. */
  detail?: string;
}

/** A benchmark module: `bench/*.bench.ts` default-exports one of these. */
export type Bench = () => Promise<BenchResult[]> | BenchResult[];

/** The median of `values` (which must not be empty). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The `p`-th percentile (0..100) of `values`, nearest-rank. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

/**
 * Times `fn(iterations)` `repeats` times and returns the median nanoseconds per iteration.
 * `fn` runs its own loop so that call overhead of the harness is not measured.
 */
export function nsPerOp(fn: (iterations: number) => void, iterations: number, repeats = 7): number {
  fn(Math.min(iterations, 10_000)); // warm up
  const samples: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const start = process.hrtime.bigint();
    fn(iterations);
    samples.push(Number(process.hrtime.bigint() - start) / iterations);
  }
  return median(samples);
}

/** Resolves as `promise` does, or rejects with "bench timed out: <what>" after `ms`. */
export async function deadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`bench timed out: ${what}`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
