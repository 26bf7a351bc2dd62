import { FoxgloveError } from "../core/FoxgloveError.js";
import type { ByteSink } from "./ByteStreamSender.js";
import { cancelByteStreamWrite, requestByteStreamWrite } from "./native.js";
import { encodeHandle } from "./varint.js";

/** rtc-node's ByteStreamWriter (only what we use). */
export interface RtcByteWriter {
  write(chunk: Uint8Array): Promise<void>;
  close(): Promise<void>;
}

/**
 * The byte sink of an outgoing LiveKit byte stream. Writes go straight to the FFI with the
 * hand-encoded request (`requestByteStreamWrite`: one copy of the batch, completion routed by
 * async id); rtc-node's writer is kept for closing, which also keeps rtc-node's bookkeeping of
 * open writers right. A write rejects with FoxgloveError ERR_CHANNEL_CLOSED once `signal` (the
 * room's lifetime) aborts, and with an Error carrying LiveKit's text when LiveKit fails it.
 */
export class NativeByteSink implements ByteSink {
  readonly #handle: Uint8Array;
  readonly #writer: RtcByteWriter;
  readonly #signal: AbortSignal;
  #pending: { asyncId: number; reject(error: unknown): void } | undefined;
  #closing: Promise<void> | undefined;

  constructor(handle: bigint, writer: RtcByteWriter, signal: AbortSignal) {
    this.#handle = encodeHandle(handle);
    this.#writer = writer;
    this.#signal = signal;
    signal.addEventListener("abort", this.#onAbort, { once: true });
  }

  write(chunks: readonly Uint8Array[], byteLength: number): Promise<void> {
    if (this.#signal.aborted || this.#closing !== undefined) {
      return Promise.reject(new FoxgloveError("ERR_CHANNEL_CLOSED", "the byte stream is closed"));
    }
    return new Promise<void>((resolve, reject) => {
      const asyncId = requestByteStreamWrite(this.#handle, chunks, byteLength, (error) => {
        this.#pending = undefined;
        if (error === undefined) {
          resolve();
        } else {
          reject(new Error(error));
          void this.close().catch(() => {}); // as rtc-node does: the stream is over
        }
      });
      this.#pending = { asyncId, reject };
    });
  }

  close(): Promise<void> {
    this.#closing ??= (async () => {
      this.#signal.removeEventListener("abort", this.#onAbort);
      await this.#writer.close();
    })();
    return this.#closing;
  }

  readonly #onAbort = (): void => {
    const pending = this.#pending;
    if (pending !== undefined) {
      this.#pending = undefined;
      cancelByteStreamWrite(pending.asyncId);
      pending.reject(new FoxgloveError("ERR_CHANNEL_CLOSED", "the room closed"));
    }
  };
}

/** A sink over rtc-node's writer alone (when the FFI did not report the writer handle). */
export function rtcByteSink(writer: RtcByteWriter): ByteSink {
  return {
    write: (chunks, byteLength) => writer.write(concat(chunks, byteLength)),
    close: () => writer.close(),
  };
}

function concat(chunks: readonly Uint8Array[], byteLength: number): Uint8Array {
  if (chunks.length === 1) {
    return chunks[0]!;
  }
  const out = new Uint8Array(byteLength);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.byteLength;
  }
  return out;
}
