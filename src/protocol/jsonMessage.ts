import { decodeError } from "./errors.js";
import { JsonFields } from "./JsonFields.js";
import { parseJson } from "./parseJson.js";
import { decodeUtf8 } from "./utf8.js";

/**
 * Parses a JSON message (text, or strictly validated UTF-8 bytes), checks it is an object with a
 * string `op`, and returns field access to it. Throws `ERR_DECODE`.
 */
export function jsonMessageFields(input: string | Uint8Array): { f: JsonFields; op: string } {
  const text = typeof input === "string" ? input : decodeUtf8(input, "JSON message");
  const json = parseJson(text);
  if (!(json instanceof Map)) {
    throw decodeError("Invalid message: not a JSON object");
  }
  const op = json.get("op");
  if (typeof op !== "string") {
    throw decodeError('Invalid message: "op" must be a string');
  }
  return { f: new JsonFields(json, op), op };
}

/** Error for an `op` this direction does not know (quotes at most 40 characters of it). */
export function unknownOpError(direction: string, op: string): Error {
  const shown = op.length > 40 ? `${op.slice(0, 40)}…` : op;
  return decodeError(`Invalid message: unknown ${direction} op ${JSON.stringify(shown)}`);
}
