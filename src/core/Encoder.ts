import type { Schema } from "./Schema.js";

/** Turns messages of type `T` into bytes for a `Channel<T>`. */
export interface Encoder<T> {
  /** The channel's message encoding, e.g. `json` or `protobuf`. */
  readonly messageEncoding: string;
  /** The channel's schema, or `undefined` for schemaless encodings. */
  readonly schema: Schema | undefined;
  /** Encodes one message; may throw on a message it cannot encode. */
  encode(message: T): Uint8Array;
  /**
   * Optional: encodes one message into a buffer the encoder reuses and passes the bytes to `use`;
   * they are valid only during that call (as for sinks). `Channel.log()` prefers this to
   * {@link encode}: no allocation and one copy fewer for large messages. Throws as `encode` does,
   * before calling `use`.
   */
  encodeTransient?(message: T, use: (data: Uint8Array) => void): void;
}

/**
 * Encodes `message` with `encoder` and hands the bytes to `use` (valid during the call only),
 * through {@link Encoder.encodeTransient} when the encoder has it. Throws what the encoder throws.
 */
export function encodeTransient<T>(
  encoder: Encoder<T>,
  message: T,
  use: (data: Uint8Array) => void,
): void {
  if (encoder.encodeTransient !== undefined) {
    encoder.encodeTransient(message, use);
  } else {
    use(encoder.encode(message));
  }
}
