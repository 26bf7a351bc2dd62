import { FoxgloveError } from "../core/FoxgloveError.js";
import { errorText } from "./errorText.js";

/**
 * A byte stream another participant opened to us. Iterate it for its chunks (LiveKit splits the
 * data arbitrarily, at most 15 kB per chunk; reassemble frames yourself). Iteration ends when the
 * sender closes the stream and throws FoxgloveError ERR_LIVEKIT when it is aborted or the room
 * disconnects. Chunks are buffered without limit while nobody reads, so read promptly.
 */
export interface IncomingByteStream extends AsyncIterable<Uint8Array> {
  /** Identity of the sender. */
  readonly identity: string;
  /** The stream's topic, e.g. "control". */
  readonly topic: string;
  /** LiveKit's id of this stream. */
  readonly streamId: string;
  /** Stops receiving; queued chunks are discarded. Idempotent. */
  cancel(): Promise<void>;
}

/** The parts of rtc-node's ByteStreamReader used here. */
interface ReaderLike extends AsyncIterable<Uint8Array> {
  readonly info: { streamId: string; topic: string };
  close(): Promise<void>;
}

/** Wraps rtc-node's reader: errors become FoxgloveError ERR_LIVEKIT. */
export function wrapByteStreamReader(reader: ReaderLike, identity: string): IncomingByteStream {
  const { streamId, topic } = reader.info;
  return {
    identity,
    topic,
    streamId,
    cancel: () => reader.close(),
    [Symbol.asyncIterator]() {
      const it = reader[Symbol.asyncIterator]();
      return {
        async next() {
          try {
            return await it.next();
          } catch (cause) {
            throw new FoxgloveError(
              "ERR_LIVEKIT",
              `byte stream "${topic}" from ${identity} failed: ${errorText(cause)}`,
              { cause },
            );
          }
        },
        async return() {
          await reader.close();
          return { done: true, value: undefined };
        },
      };
    },
  };
}
