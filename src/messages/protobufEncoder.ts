import protobuf from "protobufjs/minimal.js";
// A type-only import keeps the default import out of the declarations (it needs
// allowSyntheticDefaultImports in the user's tsconfig under the node10 resolution).
import type { Writer } from "protobufjs/minimal.js";
import type { Encoder } from "../core/Encoder.js";
import type { Schema } from "../core/Schema.js";
import { descriptorSet } from "./descriptorSet.js";

/** A writer kept between calls (encoding is synchronous); replaced if it grew too large. */
let shared: Writer = new protobuf.Writer();
const KEEP_BYTES = 1 << 20;

class ProtobufEncoder<T> implements Encoder<T> {
  readonly messageEncoding = "protobuf";
  readonly #name: string;
  readonly #files: readonly string[];
  readonly #write: (message: T, writer: Writer) => void;
  #schema: Schema | undefined;

  constructor(name: string, files: readonly string[], write: (message: T, writer: Writer) => void) {
    this.#name = name;
    this.#files = files;
    this.#write = write;
  }

  /** `protobuf` schema: a serialized FileDescriptorSet (built on first access). */
  get schema(): Schema {
    return (this.#schema ??= Object.freeze({
      name: this.#name,
      encoding: "protobuf",
      data: descriptorSet(this.#files),
    }));
  }

  encode(message: T): Uint8Array {
    const writer = shared;
    writer.pos = 0;
    writer.states = null;
    try {
      this.#write(message, writer);
      return writer.finish();
    } finally {
      if (writer.buf.length > KEEP_BYTES) {
        shared = new protobuf.Writer();
      }
    }
  }
}

/**
 * An {@link Encoder} writing protobuf with a generated write function; the schema is the
 * FileDescriptorSet of the given .proto files (dependencies first), named after the message.
 */
export function protobufEncoder<T>(
  name: string,
  files: readonly string[],
  write: (message: T, writer: Writer) => void,
): Encoder<T> {
  return new ProtobufEncoder(name, files, write);
}
