import { formatByteSize } from "../remote/DropWarnings.js";

/** One reading of a recording, for {@link formatRecordProgress}. */
export interface RecordProgress {
  /** Messages recorded so far. */
  messages: number;
  /** Message bytes recorded so far. */
  bytes: number;
  /** Messages per second over the last interval. */
  rate: number;
  /** Time since the recording started, in milliseconds. */
  elapsedMs: number;
  /** Messages dropped so far (the file could not keep up). */
  dropped: number;
}

/**
 * The progress line of `record`: `1234 messages  1.5 MiB  250 msg/s  00:01:05`, plus
 * `  3 dropped` when messages were dropped. Pure.
 */
export function formatRecordProgress(p: RecordProgress): string {
  const rate = p.rate >= 100 ? Math.round(p.rate).toString() : p.rate.toFixed(1);
  const dropped = p.dropped > 0 ? `  ${p.dropped} dropped` : "";
  return `${p.messages} messages  ${formatByteSize(p.bytes)}  ${rate} msg/s  ${formatElapsed(p.elapsedMs)}${dropped}`;
}

/** `hh:mm:ss` for a duration in milliseconds (hours grow past 99). Pure. */
export function formatElapsed(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const two = (n: number) => n.toString().padStart(2, "0");
  return `${two(Math.floor(total / 3600))}:${two(Math.floor(total / 60) % 60)}:${two(total % 60)}`;
}
