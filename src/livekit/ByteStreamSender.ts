import { FoxgloveError } from "../core/FoxgloveError.js";
import { log } from "../core/logger.js";
import { errorText } from "./errorText.js";

/** The underlying writer: a LiveKit byte stream (or a fake in unit tests). */
export interface ByteSink {
  /** Sends `chunks` back to back as one write (`byteLength` bytes in all). */
  write(chunks: readonly Uint8Array[], byteLength: number): Promise<void>;
  close(): Promise<void>;
}

/** Options of {@link ByteStreamSender}. */
export interface ByteStreamSenderOptions {
  /** Most bytes merged into one LiveKit write (default 65 536; LiveKit splits into 15 kB chunks). */
  maxBatchBytes?: number;
  /** Called once when a write fails; the sender is unusable afterwards. */
  onError?: (error: FoxgloveError) => void;
  /** Used in error messages, e.g. "control stream to viewer-1". */
  description?: string;
}

interface Pending {
  chunks: readonly Uint8Array[];
  byteLength: number;
  resolve(): void;
  reject(error: unknown): void;
}

/**
 * An outgoing LiveKit byte stream that batches small writes: chunks written while a LiveKit write
 * is in flight are merged into the next one (up to `maxBatchBytes`). Each LiveKit write resolves
 * once its data is queued on the reliable data channel, which gives natural backpressure; watch
 * {@link bufferedBytes} to bound what you queue. After a failed write every later write rejects.
 */
export class ByteStreamSender implements AsyncDisposable {
  readonly #sink: ByteSink;
  readonly #maxBatch: number;
  readonly #onError: ((error: FoxgloveError) => void) | undefined;
  readonly #description: string;
  #queue: Pending[] = [];
  #buffered = 0;
  #flushing: Promise<void> | undefined;
  #error: FoxgloveError | undefined;
  #closing: Promise<void> | undefined;
  #bytesSent = 0;

  constructor(sink: ByteSink, options: ByteStreamSenderOptions = {}) {
    this.#sink = sink;
    this.#maxBatch = Math.max(1, options.maxBatchBytes ?? 65_536);
    this.#onError = options.onError;
    this.#description = options.description ?? "byte stream";
  }

  /** Bytes accepted by {@link write} but not yet handed to LiveKit. */
  get bufferedBytes(): number {
    return this.#buffered;
  }

  /** Bytes handed to LiveKit so far. */
  get bytesSent(): number {
    return this.#bytesSent;
  }

  /** The failure that ended this stream, if any. */
  get error(): FoxgloveError | undefined {
    return this.#error;
  }

  /** True once {@link close} was called or a write failed. */
  get closed(): boolean {
    return this.#closing !== undefined || this.#error !== undefined;
  }

  /**
   * Queues `chunk` (not copied: do not modify it until the promise settles). Resolves when LiveKit
   * has accepted it; rejects with FoxgloveError ERR_LIVEKIT when the stream failed, or
   * ERR_CHANNEL_CLOSED after close(). The returned promise may be ignored safely.
   */
  write(chunk: Uint8Array): Promise<void> {
    return this.writeAll([chunk]);
  }

  /**
   * Queues `chunks` to be sent back to back, like one {@link write} of their concatenation but
   * without copying them here: they are copied once, into LiveKit's write request. Do not modify
   * them until the promise settles.
   */
  writeAll(chunks: readonly Uint8Array[]): Promise<void> {
    if (this.#error !== undefined) {
      return handled(Promise.reject(this.#error));
    }
    if (this.#closing !== undefined) {
      return handled(
        Promise.reject(new FoxgloveError("ERR_CHANNEL_CLOSED", `${this.#description} is closed`)),
      );
    }
    let byteLength = 0;
    for (const chunk of chunks) {
      byteLength += chunk.byteLength;
    }
    if (byteLength === 0) {
      return Promise.resolve();
    }
    const promise = new Promise<void>((resolve, reject) => {
      this.#queue.push({ chunks, byteLength, resolve, reject });
    });
    this.#buffered += byteLength;
    this.#flushing ??= this.#flush();
    return handled(promise);
  }

  /** Resolves when everything written so far was handed to LiveKit (or the stream failed). */
  async flush(): Promise<void> {
    while (this.#flushing !== undefined) {
      await this.#flushing;
    }
  }

  /** Sends what is queued, then ends the stream. Idempotent; never rejects. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      await this.flush();
      if (this.#error !== undefined) {
        return;
      }
      try {
        await this.#sink.close();
      } catch (error) {
        log.debug(`closing ${this.#description} failed:`, error);
      }
    })();
    return this.#closing;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  async #flush(): Promise<void> {
    try {
      while (this.#queue.length > 0 && this.#error === undefined) {
        const batch = this.#takeBatch();
        let byteLength = 0;
        const chunks: Uint8Array[] = [];
        for (const p of batch) {
          byteLength += p.byteLength;
          chunks.push(...p.chunks);
        }
        try {
          await this.#sink.write(chunks, byteLength);
        } catch (cause) {
          this.#fail(cause, batch);
          return;
        }
        this.#buffered -= byteLength;
        this.#bytesSent += byteLength;
        for (const p of batch) {
          p.resolve();
        }
      }
    } finally {
      this.#flushing = undefined;
    }
  }

  #takeBatch(): Pending[] {
    let size = 0;
    let n = 0;
    for (const p of this.#queue) {
      if (n > 0 && size + p.byteLength > this.#maxBatch) {
        break;
      }
      size += p.byteLength;
      n += 1;
    }
    return this.#queue.splice(0, n);
  }

  #fail(cause: unknown, batch: Pending[]): void {
    const error = new FoxgloveError(
      "ERR_LIVEKIT",
      `write to ${this.#description} failed: ${errorText(cause)}`,
      {
        cause,
      },
    );
    this.#error = error;
    const rest = this.#queue;
    this.#queue = [];
    this.#buffered = 0;
    for (const p of [...batch, ...rest]) {
      p.reject(error);
    }
    if (this.#onError !== undefined) {
      try {
        this.#onError(error);
      } catch (e) {
        log.error("byte stream onError handler threw:", e);
      }
    }
  }
}

/** Marks a promise as handled so an ignored rejection cannot crash the process. */
function handled<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => {});
  return promise;
}
