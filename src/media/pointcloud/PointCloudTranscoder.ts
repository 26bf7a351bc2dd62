import { FoxgloveError } from "../../core/FoxgloveError.js";
import { log } from "../../core/logger.js";
import type { PointCloudCompressionConfig } from "./pointCloudCompression.js";
import { PointCloudWorker } from "./PointCloudWorker.js";

/** Clouds of one channel that may wait for an encoder (session.md 8.4: 2, head drop). */
export const POINT_CLOUD_QUEUE_CAPACITY = 2;

/** Default of {@link PointCloudTranscoderOptions.encoders}. */
export const DEFAULT_POINT_CLOUD_ENCODERS = 1;

/** Options of {@link PointCloudTranscoder}. */
export interface PointCloudTranscoderOptions {
  /** Topic of the channel, for warning texts. */
  readonly topic: string;
  /** Input format and Draco options (from `resolvePointCloudCompression`). */
  readonly config: PointCloudCompressionConfig;
  /**
   * Clouds of this channel encoded at once, each in its own worker thread (the process's
   * {@link PointCloudWorker} threads, shared by all channels). Default
   * {@link DEFAULT_POINT_CLOUD_ENCODERS}. Delivery keeps the logging order either way.
   */
  readonly encoders?: number | undefined;
  /** Receives each protobuf `foxglove.CompressedPointCloud` with the source's log time. */
  deliver(data: Uint8Array, logTime: bigint): void;
  /**
   * Receives the warning text of a cloud that could not be compressed
   * (`point cloud compression error on topic <topic>: <reason>`).
   */
  fail(message: string): void;
}

/** The warning text for a cloud of `topic` that failed with `error` (session.md 8.4). */
export function pointCloudCompressionWarning(topic: string, error: unknown): string {
  const reason = error instanceof FoxgloveError ? error.message : "internal error";
  return `point cloud compression error on topic ${topic}: ${reason}`;
}

type Outcome = { out: Uint8Array; failure?: undefined } | { out?: undefined; failure: unknown };

/**
 * Compresses one channel's clouds off the `log()` path, newest first (session.md 8.4): {@link push}
 * only copies the message and schedules work; the encoding runs in the process's point-cloud
 * worker threads ({@link PointCloudWorker}), at most `encoders` clouds at once. At most
 * {@link POINT_CLOUD_QUEUE_CAPACITY} clouds wait for an encoder; when a newer one arrives, the
 * oldest waiting one is dropped (counted in {@link dropped}) rather than queued. Results are
 * delivered in logging order (a cloud that finishes early waits for the older ones still being
 * encoded), so a viewer never gets an older cloud after a newer one. The event loop is never
 * blocked by Draco.
 */
export class PointCloudTranscoder {
  readonly #options: PointCloudTranscoderOptions;
  readonly #encoders: number;
  readonly #waiting: { data: Uint8Array; logTime: bigint }[] = [];
  #inFlight = 0;
  /** Settles after the newest started cloud was delivered (or failed): the delivery order. */
  #delivered: Promise<void> = Promise.resolve();
  #closed = false;
  #dropped = 0;
  #encoded = 0;

  constructor(options: PointCloudTranscoderOptions) {
    this.#options = options;
    this.#encoders = options.encoders ?? DEFAULT_POINT_CLOUD_ENCODERS;
    if (!Number.isSafeInteger(this.#encoders) || this.#encoders < 1) {
      throw new FoxgloveError(
        "ERR_CONFIGURATION",
        `encoders must be an integer ≥ 1, got ${this.#encoders}`,
      );
    }
  }

  /** Clouds dropped unencoded because newer ones arrived while they waited. */
  get dropped(): number {
    return this.#dropped;
  }

  /** Clouds encoded and delivered. */
  get encoded(): number {
    return this.#encoded;
  }

  /** Takes a logged cloud (copied; the caller keeps `data`). A no-op after close. */
  push(data: Uint8Array, logTime: bigint): void {
    if (this.#closed) {
      return;
    }
    if (this.#waiting.length >= POINT_CLOUD_QUEUE_CAPACITY) {
      this.#waiting.shift();
      this.#dropped++;
    }
    // Uint8Array's slice copies; a Node Buffer's own slice() would share (and the transfer to the
    // worker would then detach) the caller's memory.
    this.#waiting.push({ data: Uint8Array.prototype.slice.call(data), logTime });
    this.#pump();
  }

  /** Resolves once no cloud is waiting, being encoded or being delivered. */
  async idle(): Promise<void> {
    for (;;) {
      const delivered = this.#delivered;
      await delivered;
      if (delivered === this.#delivered && this.#inFlight === 0 && this.#waiting.length === 0) {
        return;
      }
    }
  }

  /** Stops: waiting clouds are discarded and nothing is delivered afterwards. Idempotent. */
  close(): void {
    this.#closed = true;
    this.#waiting.length = 0;
  }

  /** Starts encoding waiting clouds while encoders are free. */
  #pump(): void {
    const { topic, config } = this.#options;
    while (!this.#closed && this.#inFlight < this.#encoders && this.#waiting.length > 0) {
      const item = this.#waiting.shift()!;
      this.#inFlight++;
      // item.data is this transcoder's own copy: it is handed over to the worker thread.
      const outcome: Promise<Outcome> = PointCloudWorker.shared()
        .transcode(config.format, item.data, config.options, this.#encoders)
        .then(
          (out) => ({ out }),
          (failure: unknown) => ({ failure }),
        )
        .finally(() => {
          this.#inFlight--;
          this.#pump(); // the encoder is free for the next waiting cloud
        });
      this.#delivered = this.#delivered
        .then(() => outcome)
        .then(({ out, failure }) => {
          if (this.#closed) {
            return;
          }
          if (out !== undefined) {
            this.#encoded++;
            this.#options.deliver(out, item.logTime);
          } else {
            this.#options.fail(pointCloudCompressionWarning(topic, failure));
          }
        })
        .catch((error: unknown) => log.error(`point-cloud delivery failed on ${topic}`, error));
    }
  }
}
