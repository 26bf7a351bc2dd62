import { decodeBase64, encodeBase64 } from "./base64.js";
import { decodeError, encodeError } from "./errors.js";
import { decodeUtf8, encodeUtf8 } from "./utf8.js";

const BINARY_SCHEMA_ENCODINGS: readonly string[] = ["protobuf", "flatbuffer"];
const SCHEMA_REQUIRED: readonly string[] = ["protobuf", "flatbuffer", "ros1", "cdr"];

/** True for schema encodings sent as base64 (`protobuf`, `flatbuffer`; spec 3.4). */
export function isBinarySchemaEncoding(schemaEncoding: string): boolean {
  return BINARY_SCHEMA_ENCODINGS.includes(schemaEncoding);
}

/** True for message encodings whose server channels need a schema (`protobuf`, `flatbuffer`, `ros1`, `cdr`). */
export function messageEncodingRequiresSchema(messageEncoding: string): boolean {
  return SCHEMA_REQUIRED.includes(messageEncoding);
}

/**
 * The `schema` string of an advertisement (spec 3.4): standard base64 of `data` for binary schema
 * encodings, otherwise `data` as UTF-8 text. Throws `ERR_ENCODE` when a text schema is not valid
 * UTF-8 (such a channel cannot be advertised).
 */
export function encodeSchemaText(schemaEncoding: string, data: Uint8Array): string {
  if (isBinarySchemaEncoding(schemaEncoding)) {
    return encodeBase64(data);
  }
  try {
    return decodeUtf8(data, "schema");
  } catch {
    throw encodeError(`Schema with encoding ${JSON.stringify(schemaEncoding)} is not valid UTF-8`);
  }
}

/**
 * The schema bytes of an advertisement's `schema` string: base64-decoded for binary schema
 * encodings, UTF-8 bytes otherwise. Throws `ERR_DECODE` on invalid base64.
 */
export function decodeSchemaText(schemaEncoding: string, schema: string): Uint8Array {
  if (isBinarySchemaEncoding(schemaEncoding)) {
    try {
      return decodeBase64(schema);
    } catch (error) {
      throw decodeError(
        `Invalid ${schemaEncoding} schema: ${error instanceof Error ? error.message : "bad base64"}`,
      );
    }
  }
  return encodeUtf8(schema);
}
