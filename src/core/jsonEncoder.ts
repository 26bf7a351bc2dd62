import { base64Encode } from "./base64.js";
import type { Encoder } from "./Encoder.js";
import { FoxgloveError } from "./FoxgloveError.js";
import { isSchema, type Schema } from "./Schema.js";
import { utf8Encode } from "./utf8.js";

/** JSON.stringify replacer: `Uint8Array` values become base64 strings (Foxglove's JSON convention). */
function replacer(_key: string, value: unknown): unknown {
  return value instanceof Uint8Array ? base64Encode(value) : value;
}

/**
 * True if `value` holds a `Uint8Array` anywhere (or nests deeper than `depth`, to stay safe on
 * cycles). Much cheaper than a JSON.stringify replacer, which disables V8's fast path.
 */
function mayHoldBytes(value: unknown, depth: number): boolean {
  if (typeof value !== "object" || value === null) {
    return false;
  }
  if (value instanceof Uint8Array || depth === 0) {
    return true;
  }
  if (Array.isArray(value)) {
    for (const item of value as unknown[]) {
      if (typeof item === "object" && item !== null && mayHoldBytes(item, depth - 1)) {
        return true;
      }
    }
    return false;
  }
  for (const key in value) {
    const item = (value as Record<string, unknown>)[key];
    if (typeof item === "object" && item !== null && mayHoldBytes(item, depth - 1)) {
      return true;
    }
  }
  return false;
}

/**
 * Encodes a value as UTF-8 JSON text, with `Uint8Array` values as base64 strings.
 * @throws {FoxgloveError} `ERR_ENCODE` if the value cannot be represented (e.g. a bigint, a cycle)
 */
export function encodeJson(value: unknown): Uint8Array {
  let text: string | undefined; // JSON.stringify returns undefined for e.g. undefined
  try {
    text = mayHoldBytes(value, 64) ? JSON.stringify(value, replacer) : JSON.stringify(value);
  } catch (error) {
    throw new FoxgloveError("ERR_ENCODE", "cannot encode the message as JSON", { cause: error });
  }
  if (text === undefined) {
    throw new FoxgloveError("ERR_ENCODE", `cannot encode a ${typeof value} as JSON`);
  }
  return utf8Encode(text);
}

/**
 * Turns a JSON Schema object into a channel {@link Schema} with encoding `jsonschema`. The name is
 * the schema's `title`, else `schema-<hash of the data>`. An empty object gives empty data.
 * @throws {FoxgloveError} `ERR_VALUE` unless the schema is empty or has `type: "object"`
 */
export function jsonSchema(schema: object): Schema {
  const s = schema as { type?: unknown; title?: unknown };
  const empty = Object.keys(schema).length === 0;
  if (!empty && s.type !== "object") {
    throw new FoxgloveError("ERR_VALUE", 'only JSON schemas with type "object" are supported');
  }
  const data = empty ? new Uint8Array(0) : utf8Encode(JSON.stringify(schema));
  const name = typeof s.title === "string" ? s.title : `schema-${hashName(data)}`;
  return Object.freeze({ name, encoding: "jsonschema", data });
}

/**
 * An {@link Encoder} writing JSON (`Uint8Array` fields as base64). With a JSON Schema object the
 * channel gets a `jsonschema` schema (see {@link jsonSchema}); with a {@link Schema} that schema
 * is used as is; without one the channel is schemaless JSON (schema `undefined`).
 * @throws {FoxgloveError} `ERR_VALUE` for a JSON schema that is not an object schema
 */
export function jsonEncoder<T = unknown>(schema?: object | Schema): Encoder<T> {
  const channelSchema =
    schema === undefined ? undefined : isSchema(schema) ? schema : jsonSchema(schema);
  return Object.freeze({
    messageEncoding: "json",
    schema: channelSchema,
    encode: (message: T): Uint8Array => encodeJson(message),
  });
}

/** A short, stable, URL-safe name derived from bytes (64-bit FNV-1a, base64url). */
function hashName(data: Uint8Array): string {
  let h = 0xcbf29ce484222325n;
  for (const b of data) {
    h = BigInt.asUintN(64, (h ^ BigInt(b)) * 0x100000001b3n);
  }
  const bytes = new Uint8Array(6);
  for (let i = 0; i < 6; i++) {
    bytes[i] = Number((h >> BigInt(8 * i)) & 0xffn);
  }
  return base64Encode(bytes).replace(/\+/g, "-").replace(/\//g, "_");
}
