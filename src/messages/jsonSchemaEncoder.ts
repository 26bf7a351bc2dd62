import type { Encoder } from "../core/Encoder.js";
import { encodeJson, jsonSchema } from "../core/jsonEncoder.js";
import type { Schema } from "../core/Schema.js";
import { utf8Encode } from "../core/utf8.js";

class JsonSchemaEncoder<T> implements Encoder<T> {
  readonly messageEncoding = "json";
  readonly #jsonSchema: object;
  readonly #hasBytes: boolean;
  #schema: Schema | undefined;

  constructor(schema: object, hasBytes: boolean) {
    this.#jsonSchema = schema;
    this.#hasBytes = hasBytes;
  }

  /** `jsonschema` schema named after the JSON Schema's title (built on first access). */
  get schema(): Schema {
    return (this.#schema ??= jsonSchema(this.#jsonSchema));
  }

  encode(message: T): Uint8Array {
    return this.#hasBytes ? encodeJson(message) : utf8Encode(JSON.stringify(message));
  }
}

/**
 * An {@link Encoder} writing JSON for a type described by a JSON Schema object. `hasBytes` says
 * whether the type holds `Uint8Array` fields (written as base64); without them encoding skips
 * that check.
 */
export function jsonSchemaEncoder<T>(schema: object, hasBytes: boolean): Encoder<T> {
  return new JsonSchemaEncoder<T>(schema, hasBytes);
}
