import protobuf from "protobufjs/minimal.js";
// A type-only import keeps the default import out of the declarations (it needs
// allowSyntheticDefaultImports in the user's tsconfig under the node10 resolution).
import type { Writer } from "protobufjs/minimal.js";
import type { Encoder } from "../core/Encoder.js";
import type { Schema } from "../core/Schema.js";
import { descriptorSet } from "./descriptorSet.js";

/**
 * A writer kept between calls (encoding is synchronous), so that its buffer, once grown to the
 * size of the messages logged, is reused; `undefined` while lent to an `encodeTransient` callback
 * (a nested encode then takes a writer of its own). Replaced if it grew beyond KEEP_BYTES.
 */
let shared: Writer | undefined = new protobuf.Writer();
/** Largest writer buffer kept between calls: a 4K rgb8 camera frame fits. */
const KEEP_BYTES = 32 << 20;

function takeWriter(): Writer {
  const writer = shared ?? new protobuf.Writer();
  shared = undefined;
  writer.pos = 0;
  writer.states = null;
  return writer;
}

function returnWriter(writer: Writer): void {
  shared = writer.buf.length > KEEP_BYTES ? new protobuf.Writer() : writer;
}

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
    const writer = takeWriter();
    try {
      this.#write(message, writer);
      return writer.finish(); // a right-sized copy
    } finally {
      returnWriter(writer);
    }
  }

  encodeTransient(message: T, use: (data: Uint8Array) => void): void {
    const writer = takeWriter();
    try {
      this.#write(message, writer);
      use(writer.buf.subarray(0, writer.pos));
    } finally {
      returnWriter(writer);
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
