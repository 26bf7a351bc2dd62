import { InvalidArgumentError } from "commander";
import { FoxgloveError } from "../core/FoxgloveError.js";
import { encodeBase64, type Parameter, type ParameterValue } from "../protocol/index.js";

/**
 * Parses the payload argument of `call` and `publish` for `encoding`: JSON is checked (and sent
 * as given); other encodings are sent as the argument's UTF-8 text. Throws FoxgloveError
 * `ERR_VALUE` for invalid JSON. Pure.
 */
export function payloadArgument(text: string, encoding: string): string {
  if (encoding === "json") {
    try {
      JSON.parse(text);
    } catch (error) {
      throw new FoxgloveError(
        "ERR_VALUE",
        `the payload is not valid JSON (${error instanceof Error ? error.message : String(error)}): ${text}`,
      );
    }
  }
  return text;
}

/** Reads all of stdin as UTF-8 (for a payload given as `-`). */
export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) {
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

const FLOAT_LITERAL = /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/;

/**
 * The parameter `param set <name> <value>` sends. The value is JSON when it parses (`1`, `1.5`,
 * `true`, `[1, 2]`, `{"a": 1}`, `"text"`), otherwise the text itself as a string. A number
 * written with `.` or an exponent is a float64 even when whole (`1.0`); an array with such a
 * number is a float64 array. `null` is refused (parameters have no null). Pure.
 */
export function parameterArgument(name: string, text: string): Parameter {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { name, value: text };
  }
  if (!isParameterValue(value)) {
    throw new InvalidArgumentError(`${text} is not a parameter value (no null)`);
  }
  const trimmed = text.trim();
  if (typeof value === "number" && FLOAT_LITERAL.test(trimmed) && /[.eE]/.test(trimmed)) {
    return { name, type: "float64", value };
  }
  if (
    Array.isArray(value) &&
    value.length > 0 &&
    value.every((v) => typeof v === "number") &&
    /[.eE]/.test(trimmed)
  ) {
    return { name, type: "float64_array", value };
  }
  return { name, value };
}

function isParameterValue(v: unknown): v is ParameterValue {
  if (v === null) {
    return false;
  }
  if (Array.isArray(v)) {
    return v.every(isParameterValue);
  }
  if (typeof v === "object") {
    return Object.values(v).every(isParameterValue);
  }
  return ["number", "boolean", "string"].includes(typeof v);
}

/**
 * A parameter value as text for `param get/watch`: numbers, booleans and strings as JSON,
 * 64-bit integers in full, byte arrays as `base64:<text>`, arrays and dictionaries as JSON of
 * these. Pure.
 */
export function formatParameterValue(value: ParameterValue | undefined): string {
  if (value === undefined) {
    return "(unset)";
  }
  if (typeof value === "bigint") {
    return value.toString();
  }
  if (value instanceof Uint8Array) {
    return `base64:${encodeBase64(value)}`;
  }
  if (Array.isArray(value)) {
    return `[${value.map(formatParameterValue).join(",")}]`;
  }
  if (typeof value === "object") {
    const entries = Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${formatParameterValue(value[k])}`);
    return `{${entries.join(",")}}`;
  }
  return JSON.stringify(value);
}

/**
 * One parameter as a line of `param get/watch`: `<name> = <value>`; float64 values keep a
 * fractional part (`2.0`). Pure.
 */
export function formatParameterLine(p: Parameter): string {
  const float = (v: ParameterValue) =>
    typeof v === "number" && Number.isInteger(v) ? `${v}.0` : formatParameterValue(v);
  let text: string;
  if (p.type === "float64" && p.value !== undefined) {
    text = float(p.value);
  } else if (p.type === "float64_array" && Array.isArray(p.value)) {
    text = `[${p.value.map(float).join(",")}]`;
  } else {
    text = formatParameterValue(p.value);
  }
  return `${p.name} = ${text}`;
}
