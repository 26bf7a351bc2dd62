/** Delivery class of the bench channel: lossy data tracks or the reliable control stream. */
export type Qos = "lossy" | "reliable";

/** One workload both devices log, identically. */
export interface Workload {
  /** Delivery class of the channel. */
  qos: Qos;
  /** Payload bytes per message (at least {@link PAYLOAD_HEADER_BYTES}). */
  size: number;
  /** Offered rate, messages per second; 0 logs as fast as the device can. */
  rate: number;
  /** Length of the measured phase, s. */
  seconds: number;
  /** How many viewers subscribe. */
  viewers: number;
}

/** Topic of the bench channel. */
export const BENCH_TOPIC = "/bench";

/** Bytes of the payload header: u64 sequence, u64 log time (ns), u8 phase. */
export const PAYLOAD_HEADER_BYTES = 17;

/** Command-line arguments that start a device program on the bench topic with `qos`. */
export function deviceArgs(qos: Qos, name: string): string[] {
  return ["--topic", BENCH_TOPIC, "--qos", qos, "--name", name];
}

/** A short label such as "lossy 1 KiB x4". */
export function workloadLabel(w: Pick<Workload, "qos" | "size" | "viewers">): string {
  const size = w.size >= 1024 ? `${w.size / 1024} KiB` : `${w.size} B`;
  return `${w.qos} ${size} x${w.viewers}`;
}
