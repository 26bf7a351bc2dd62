import { FoxgloveError } from "../../core/FoxgloveError.js";
import type { PointCloudCompressionConfig } from "./pointCloudCompression.js";
import { PointCloudWorker } from "./PointCloudWorker.js";

/** Options of {@link PointCloudTranscoder}. */
export interface PointCloudTranscoderOptions {
  /** Topic of the channel, for warning texts. */
  readonly topic: string;
  /** Input format and Draco options (from `resolvePointCloudCompression`). */
  readonly config: PointCloudCompressionConfig;
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

/**
 * Compresses one channel's clouds off the `log()` path, newest first: {@link push} only copies
 * the message and schedules work; the encoding runs in the process's point-cloud worker thread
 * ({@link PointCloudWorker}), one cloud at a time per channel, and a cloud still waiting when a
 * newer one arrives is dropped (counted in {@link dropped}) rather than queued. So at most one
 * cloud waits and one is being encoded; the event loop is never blocked by Draco.
 */
export class PointCloudTranscoder {
  readonly #options: PointCloudTranscoderOptions;
  #pending: { data: Uint8Array; logTime: bigint } | undefined;
  #running: Promise<void> | undefined;
  #closed = false;
  #dropped = 0;
  #encoded = 0;

  constructor(options: PointCloudTranscoderOptions) {
    this.#options = options;
  }

  /** Clouds replaced by a newer one before they were encoded. */
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
    if (this.#pending !== undefined) {
      this.#dropped++;
    }
    this.#pending = { data: data.slice(), logTime };
    this.#running ??= this.#run().finally(() => {
      this.#running = undefined;
    });
  }

  /** Resolves once no cloud is waiting or being encoded. */
  async idle(): Promise<void> {
    while (this.#running !== undefined) {
      await this.#running;
    }
  }

  /** Stops: a waiting cloud is discarded and nothing is delivered afterwards. Idempotent. */
  close(): void {
    this.#closed = true;
    this.#pending = undefined;
  }

  async #run(): Promise<void> {
    const { topic, config } = this.#options;
    for (let item = this.#pending; item !== undefined && !this.#closed; item = this.#pending) {
      this.#pending = undefined;
      let out: Uint8Array | undefined;
      let failure: unknown;
      try {
        // item.data is this transcoder's own copy: it is handed over to the worker thread.
        out = await PointCloudWorker.shared().transcode(config.format, item.data, config.options);
      } catch (error) {
        failure = error;
      }
      if (this.#closed) {
        return;
      }
      if (out !== undefined) {
        this.#encoded++;
        this.#options.deliver(out, item.logTime);
      } else {
        this.#options.fail(pointCloudCompressionWarning(topic, failure));
      }
    }
  }
}
