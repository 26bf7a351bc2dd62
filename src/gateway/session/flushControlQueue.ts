import type { ControlQueue } from "./ControlQueue.js";
import { DEFAULT_MAX_CONTROL_BATCH_BYTES } from "./sessionDefaults.js";

/** Why {@link flushControlQueue} returned. */
export type FlushEnd =
  | { readonly reason: "closed" }
  | { readonly reason: "aborted" }
  | { readonly reason: "writeFailed"; readonly error: unknown };

/** Options of {@link flushControlQueue}. */
export interface FlushControlQueueOptions {
  /** The viewer's queue. */
  readonly queue: ControlQueue;
  /** Writes one batch of frames, in order and back to back, to the viewer's control byte stream. */
  readonly write: (frames: readonly Uint8Array[]) => Promise<void>;
  /** Cancels the loop at once; an in-flight write is abandoned (not awaited). */
  readonly signal: AbortSignal;
  /** Largest batch per write in bytes (default 64 KiB; a batch always holds at least one frame). */
  readonly maxBatchBytes?: number;
}

/**
 * The per-viewer flush task: waits for queued frames and writes them in order, one batch at a
 * time, until the queue is closed, the signal aborts (cancellation wins over pending data), or a
 * write fails (after exactly that one attempt). Never throws; the caller acts on the result
 * (a write failure requests a reset of the viewer).
 */
export async function flushControlQueue(options: FlushControlQueueOptions): Promise<FlushEnd> {
  const { queue, write, signal } = options;
  const maxBatchBytes = options.maxBatchBytes ?? DEFAULT_MAX_CONTROL_BATCH_BYTES;
  for (;;) {
    const ready = await queue.wait(signal);
    if (signal.aborted) {
      return { reason: "aborted" };
    }
    if (!ready) {
      return { reason: "closed" };
    }
    const batch = queue.take(maxBatchBytes);
    if (batch === undefined) {
      continue;
    }
    let outcome: "written" | "aborted";
    try {
      outcome = await raceAbort(write(batch), signal);
    } catch (error) {
      return signal.aborted ? { reason: "aborted" } : { reason: "writeFailed", error };
    }
    if (outcome === "aborted") {
      return { reason: "aborted" };
    }
  }
}

async function raceAbort(work: Promise<void>, signal: AbortSignal): Promise<"written" | "aborted"> {
  if (signal.aborted) {
    work.catch(() => undefined);
    return "aborted";
  }
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<"aborted">((resolve) => {
    onAbort = () => resolve("aborted");
    signal.addEventListener("abort", onAbort, { once: true });
  });
  try {
    return await Promise.race([work.then(() => "written" as const), aborted]);
  } finally {
    signal.removeEventListener("abort", onAbort!);
    work.catch(() => undefined); // an abandoned write may still fail later
  }
}
