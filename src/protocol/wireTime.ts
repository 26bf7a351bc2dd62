import type { Time } from "../core/time.js";

const NS_PER_S = 1_000_000_000n;
const U32_MAX = 0xffff_ffffn;

/**
 * Splits nanoseconds into the `{sec, nsec}` of `serverInfo.dataStartTime`/`dataEndTime`:
 * `sec = floor(ns / 1e9)` saturating at u32 max, `nsec = ns mod 1e9`. Negative input clamps to 0.
 */
export function toWireTime(ns: bigint): Time {
  if (ns <= 0n) {
    return { sec: 0, nsec: 0 };
  }
  const sec = ns / NS_PER_S;
  return { sec: Number(sec > U32_MAX ? U32_MAX : sec), nsec: Number(ns % NS_PER_S) };
}

/** Nanoseconds of a wire `{sec, nsec}`. */
export function fromWireTime(t: Time): bigint {
  return BigInt(t.sec) * NS_PER_S + BigInt(t.nsec);
}
