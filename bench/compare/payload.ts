import { PAYLOAD_HEADER_BYTES } from "./workload.js";

/** Phase byte of a bench payload: warm-up messages are not measured. */
export const Phase = { Warm: 0, Measured: 1 } as const;

/** A decoded bench payload header. */
export interface PayloadHeader {
  /** Sequence number within its phase, from 0. */
  seq: number;
  /** Log time written by the device, ns since the Unix epoch. */
  timeNs: bigint;
  /** {@link Phase} value. */
  phase: number;
}

const anchorNs = BigInt(Math.round(performance.timeOrigin * 1000)) * 1000n;

/**
 * Wall-clock time in ns since the Unix epoch with microsecond precision (performance.timeOrigin +
 * performance.now()), comparable with Python's `time.time_ns()` in another process. Prefer it to
 * an anchor taken from `Date.now()`, which is only accurate to 1 ms.
 */
export function wallNanos(): bigint {
  return anchorNs + BigInt(Math.round(performance.now() * 1e6));
}

/**
 * A new payload of `size` bytes (at least {@link PAYLOAD_HEADER_BYTES}): u64 LE `seq`, u64 LE
 * `timeNs`, u8 `phase`, zero filler. The same layout as reference_device.py.
 */
export function makePayload(size: number, seq: number, timeNs: bigint, phase: number): Uint8Array {
  return writePayload(new Uint8Array(size), seq, timeNs, phase);
}

/** Writes the payload header into `out` (reused by the caller; the filler is left as it is). */
export function writePayload(
  out: Uint8Array,
  seq: number,
  timeNs: bigint,
  phase: number,
): Uint8Array {
  if (lastOut !== out) {
    lastOut = out;
    lastView = new DataView(out.buffer, out.byteOffset, out.byteLength);
  }
  const view = lastView!;
  view.setUint32(0, seq >>> 0, true); // seq < 2^53: low and high words, no BigInt per message
  view.setUint32(4, Math.floor(seq / 2 ** 32), true);
  view.setBigUint64(8, timeNs, true);
  out[16] = phase;
  return out;
}

/** The view of the buffer written last: a device reuses one buffer, like reference_device.py. */
let lastOut: Uint8Array | undefined;
let lastView: DataView | undefined;

/** Reads a payload header; undefined when `bytes` is too short to hold one. */
export function readPayload(bytes: Uint8Array): PayloadHeader | undefined {
  if (bytes.length < PAYLOAD_HEADER_BYTES) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lo = view.getUint32(0, true);
  const hi = view.getUint32(4, true);
  return { seq: hi * 2 ** 32 + lo, timeNs: view.getBigUint64(8, true), phase: bytes[16]! };
}

/** Sleeps the thread for less than a timer's 1 ms (Atomics.wait on a value nobody changes). */
const napTimer = new Int32Array(new SharedArrayBuffer(4));

/**
 * Runs `tick` again when the next message of a run at `rate` msgs/s (0: as fast as possible)
 * started at `startedAt` (performance.now()) is due, `sent` messages in. Waits like
 * reference_device.py's time.sleep: Node's timers wake after 1 ms or more, which would turn a
 * paced rate into bursts of two, so below 1 ms the thread sleeps (no CPU) for the rest of the gap.
 */
export function scheduleTick(
  tick: () => void,
  sent: number,
  rate: number,
  startedAt: number,
): void {
  if (rate > 0) {
    const waitMs = (sent / rate) * 1000 - (performance.now() - startedAt);
    if (waitMs >= 1) {
      setTimeout(tick, Math.floor(waitMs));
      return;
    }
    if (waitMs > 0) Atomics.wait(napTimer, 0, 0, waitMs);
  }
  setImmediate(tick);
}
