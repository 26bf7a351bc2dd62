import { FoxgloveError } from "../core/FoxgloveError.js";
import { encodeClientFrame, type ClientMessage } from "../protocol/index.js";

/** An outgoing byte stream (the LiveKit adapter's ByteStreamSender fits). */
export interface OutgoingStream {
  write(chunk: Uint8Array): Promise<void>;
  close(): Promise<void>;
  /** Bytes written but not yet handed to the transport (when the stream knows). */
  readonly bufferedBytes?: number;
}

/** Options of {@link ControlSender}. */
export interface ControlSenderOptions {
  /** Opens a new control stream to the device. */
  open(): Promise<OutgoingStream>;
  /** A send failed (encoding, opening or writing the stream). */
  onError(error: FoxgloveError): void;
  /**
   * Messages to send first on a replacement stream (after a write failure), e.g. the current
   * subscriptions. Called when the new stream is used for the first time.
   */
  resume(): ClientMessage[];
  /** Most frames held while the device is not ready (default 1024); older ones are dropped. */
  maxPending?: number;
  /** Wait before retrying a failed open, ms (default 1000). */
  retryMs?: number;
}

/**
 * The viewer's control stream to the device (spec 1.3): one stream, opened lazily on the first
 * send once the device is ready (its `serverInfo` arrived), reused for everything after. Messages
 * sent earlier are held (bounded). When the stream fails, the next send opens a new one and
 * re-sends what {@link ControlSenderOptions.resume} returns before anything else.
 */
export class ControlSender {
  readonly #options: ControlSenderOptions;
  readonly #maxPending: number;
  #pending: Uint8Array[] = [];
  #stream: OutgoingStream | undefined;
  #opening = false;
  #ready = false;
  #closed = false;
  #failedBefore = false;
  #retry: NodeJS.Timeout | undefined;

  constructor(options: ControlSenderOptions) {
    this.#options = options;
    this.#maxPending = options.maxPending ?? 1024;
  }

  /** Frames waiting to be written. */
  get pending(): number {
    return this.#pending.length;
  }

  /** Bytes sent but not yet on the wire: frames held here plus the stream's own buffer. */
  get bufferedBytes(): number {
    let held = 0;
    for (const frame of this.#pending) {
      held += frame.byteLength;
    }
    return held + (this.#stream?.bufferedBytes ?? 0);
  }

  /** Encodes and sends `message` (held until the device is ready). Never throws. */
  send(message: ClientMessage): void {
    if (this.#closed) {
      return;
    }
    let frame: Uint8Array;
    try {
      frame = encodeClientFrame(message);
    } catch (error) {
      this.#options.onError(
        error instanceof FoxgloveError
          ? error
          : new FoxgloveError("ERR_ENCODE", String(error), { cause: error }),
      );
      return;
    }
    if (this.#pending.length >= this.#maxPending) {
      this.#pending.shift();
      this.#options.onError(
        new FoxgloveError("ERR_IO", "too many messages waiting for the device; dropped the oldest"),
      );
    }
    this.#pending.push(frame);
    this.#pump();
  }

  /**
   * The device is ready (true), or was reset (false): held messages are discarded and the current
   * stream is ended, so that nothing reaches the device while it does not know this viewer (it
   * would stop reading the stream); the next send after the device is ready opens a new one.
   */
  setReady(ready: boolean): void {
    this.#ready = ready;
    if (!ready) {
      this.#pending = [];
      const stream = this.#stream;
      this.#stream = undefined;
      void stream?.close().catch(() => undefined);
    }
    this.#pump();
  }

  /** Sends what is queued on the current stream and ends it. Idempotent. */
  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#retry);
    const stream = this.#stream;
    this.#stream = undefined;
    await stream?.close();
  }

  #pump(): void {
    if (!this.#ready || this.#closed || this.#pending.length === 0) {
      return;
    }
    const stream = this.#stream;
    if (stream === undefined) {
      if (!this.#opening) {
        void this.#open();
      }
      return;
    }
    for (const frame of this.#pending.splice(0)) {
      stream.write(frame).catch((error: unknown) => this.#failed(stream, error));
    }
  }

  async #open(): Promise<void> {
    this.#opening = true;
    let stream: OutgoingStream;
    try {
      stream = await this.#options.open();
    } catch (error) {
      this.#opening = false;
      this.#options.onError(toError(error, "opening the control stream to the device failed"));
      clearTimeout(this.#retry);
      this.#retry = setTimeout(() => this.#pump(), this.#options.retryMs ?? 1000);
      return;
    }
    this.#opening = false;
    if (this.#closed) {
      await stream.close();
      return;
    }
    this.#stream = stream;
    if (this.#failedBefore) {
      this.#failedBefore = false;
      try {
        this.#pending.unshift(...this.#options.resume().map((m) => encodeClientFrame(m)));
      } catch (error) {
        this.#options.onError(toError(error, "re-sending the subscriptions failed"));
      }
    }
    this.#pump();
  }

  #failed(stream: OutgoingStream, error: unknown): void {
    if (this.#stream !== stream) {
      return; // Already replaced; report each failed stream once.
    }
    this.#stream = undefined;
    this.#failedBefore = true;
    this.#options.onError(toError(error, "writing to the device's control stream failed"));
  }
}

function toError(error: unknown, what: string): FoxgloveError {
  return error instanceof FoxgloveError
    ? error
    : new FoxgloveError("ERR_LIVEKIT", `${what}: ${String(error)}`, { cause: error });
}
