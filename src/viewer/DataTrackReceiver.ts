import { FoxgloveError } from "../core/FoxgloveError.js";
import type { DataTrackFrame } from "../livekit/index.js";
import { decodeDataTrackFrame } from "../protocol/index.js";
import { SequenceTracker } from "./SequenceTracker.js";

/** A subscribed data track as this receiver uses it (the adapter's DataTrackSubscription fits). */
export interface DataTrackFrames extends AsyncIterable<DataTrackFrame> {
  close(): void;
}

/** Callbacks of {@link DataTrackReceiver}. */
export interface DataTrackReceiverHandlers {
  /** One message: bytes, log time (ns), frame sequence, frames lost just before it. */
  onMessage(data: Uint8Array, logTime: bigint, sequence: number, lost: number): void;
  /** A frame that failed the header checks (dropped), or the subscription failed. */
  onError(error: FoxgloveError): void;
  /** Reading ended (track unpublished, closed, or failed). */
  onEnd(): void;
}

/**
 * Reads the frames of one channel's data track `data-ch-<id>` (spec 1.5): checks the 8-byte
 * header, takes the log time from the frame's user timestamp (0 when absent), counts sequence
 * gaps, and hands each message over.
 */
export class DataTrackReceiver {
  readonly channelId: number;
  readonly #frames: DataTrackFrames;
  readonly #sequence = new SequenceTracker();
  #closed = false;

  constructor(channelId: number, frames: DataTrackFrames, handlers: DataTrackReceiverHandlers) {
    this.channelId = channelId;
    this.#frames = frames;
    void this.#run(handlers);
  }

  /** Frames known lost on this track. */
  get lost(): number {
    return this.#sequence.lost;
  }

  /** Stops reading. Idempotent. */
  close(): void {
    this.#closed = true;
    this.#frames.close();
  }

  async #run(handlers: DataTrackReceiverHandlers): Promise<void> {
    try {
      for await (const frame of this.#frames) {
        if (this.#closed) {
          break;
        }
        let decoded;
        try {
          decoded = decodeDataTrackFrame(frame.payload);
        } catch (error) {
          handlers.onError(
            new FoxgloveError(
              "ERR_DECODE",
              `bad frame on data track of channel ${this.channelId}: ${error instanceof Error ? error.message : String(error)}`,
              { cause: error },
            ),
          );
          continue;
        }
        const lost = this.#sequence.observe(decoded.sequence);
        handlers.onMessage(decoded.data, frame.userTimestamp ?? 0n, decoded.sequence, lost);
      }
    } catch (error) {
      if (!this.#closed) {
        handlers.onError(
          error instanceof FoxgloveError
            ? error
            : new FoxgloveError("ERR_LIVEKIT", String(error), { cause: error }),
        );
      }
    } finally {
      handlers.onEnd();
    }
  }
}
