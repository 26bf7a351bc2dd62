/** A time as seconds and nanoseconds, the shape used by `@foxglove/schemas`. */
export interface Time {
  sec: number;
  nsec: number;
}

/** Anything accepted as a time: `bigint` nanoseconds since the Unix epoch, a {@link Time}, or a `Date`. */
export type TimeLike = bigint | Time | Date;

const NS_PER_MS = 1_000_000n;
const NS_PER_S = 1_000_000_000n;
const origin = BigInt(Date.now()) * NS_PER_MS - process.hrtime.bigint();

/** The current time in nanoseconds since the Unix epoch (wall clock anchored once, then monotonic). */
export function nowNanos(): bigint {
  return origin + process.hrtime.bigint();
}

/** Converts a {@link TimeLike} to nanoseconds since the Unix epoch. */
export function toNanos(t: TimeLike): bigint {
  if (typeof t === "bigint") {
    return t;
  }
  if (t instanceof Date) {
    return BigInt(t.getTime()) * NS_PER_MS;
  }
  return BigInt(t.sec) * NS_PER_S + BigInt(t.nsec);
}

/** Converts nanoseconds since the Unix epoch to a {@link Time}. */
export function fromNanos(ns: bigint): Time {
  return { sec: Number(ns / NS_PER_S), nsec: Number(ns % NS_PER_S) };
}
