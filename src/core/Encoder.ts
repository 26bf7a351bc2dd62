import type { Schema } from "./Schema.js";

/** Turns messages of type `T` into bytes for a `Channel<T>`. */
export interface Encoder<T> {
  /** The channel's message encoding, e.g. `json` or `protobuf`. */
  readonly messageEncoding: string;
  /** The channel's schema, or `undefined` for schemaless encodings. */
  readonly schema: Schema | undefined;
  /** Encodes one message; may throw on a message it cannot encode. */
  encode(message: T): Uint8Array;
}
