import { decodeBase64, encodeBase64, isBase64 } from "./base64.js";
import { decodeError, encodeError } from "./errors.js";
import { JsonFields, jsonTypeName, setOwn } from "./JsonFields.js";
import { compareCodePoints, JsonWriter } from "./JsonWriter.js";
import { JsonNumber, MAX_JSON_DEPTH, type JsonValue } from "./parseJson.js";
import type { Parameter, ParameterType, ParameterValue } from "./Parameter.js";

const PARAMETER_TYPES: readonly string[] = ["byte_array", "float64", "float64_array"];
const PARAMETER_KEYS: readonly string[] = ["name", "type", "value"];
const I64_MIN = -(1n << 63n);
const I64_MAX = (1n << 63n) - 1n;

// ---- encoding ----

/**
 * Integer literal of a safe integer (|n| ≤ 2^53 − 1), else undefined. Larger whole numbers are
 * imprecise as `number`, so they are floats; send big integers as `bigint`.
 */
function integerText(n: number): string | undefined {
  return Number.isSafeInteger(n) ? String(n) : undefined;
}

function floatText(n: number, field: string): string {
  if (typeof n !== "number" || !Number.isFinite(n)) {
    throw encodeError(`${field} must be a finite number`);
  }
  if (Object.is(n, -0)) {
    return "-0.0";
  }
  const s = String(n);
  return /[.eE]/.test(s) ? s : `${s}.0`;
}

function bigintText(b: bigint, field: string): string {
  if (b < I64_MIN || b > I64_MAX) {
    throw encodeError(`${field} does not fit in a signed 64-bit integer`);
  }
  return b.toString();
}

function floatOf(v: unknown, field: string): string {
  return typeof v === "bigint" ? floatText(Number(v), field) : floatText(v as number, field);
}

function isPlainObject(v: unknown): v is Record<string, ParameterValue> {
  if (typeof v !== "object" || v === null) {
    return false;
  }
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

/** JSON text of a nested value (no type hints possible below the top level). */
function valueText(v: ParameterValue, field: string, depth: number): string {
  if (depth > MAX_JSON_DEPTH) {
    throw encodeError(`${field} is nested too deeply`);
  }
  switch (typeof v) {
    case "number":
      return integerText(v) ?? floatText(v, field);
    case "bigint":
      return bigintText(v, field);
    case "boolean":
      return v ? "true" : "false";
    case "string":
      return JSON.stringify(v);
    case "object":
      break;
    case "undefined":
    case "function":
    case "symbol":
      throw encodeError(`${field} is not a valid parameter value`);
  }
  if (Array.isArray(v)) {
    return `[${v.map((item, i) => valueText(item, `${field}[${i}]`, depth + 1)).join(",")}]`;
  }
  if (v instanceof Uint8Array) {
    throw encodeError(`${field}: byte arrays are only supported as top-level parameter values`);
  }
  if (isPlainObject(v)) {
    const keys = Object.keys(v).sort(compareCodePoints);
    const parts = keys.map(
      (k) => `${JSON.stringify(k)}:${valueText(v[k]!, `${field}.${k}`, depth + 1)}`,
    );
    return `{${parts.join(",")}}`;
  }
  throw encodeError(`${field} is not a valid parameter value`);
}

function isNumeric(v: ParameterValue): v is number | bigint {
  return typeof v === "number" || typeof v === "bigint";
}

/**
 * Compact JSON of one parameter object (spec 3.5), fields in the order `name`, `type`, `value`,
 * applying the integer/float rules of {@link Parameter}. Throws `ERR_ENCODE` for values JSON
 * cannot carry (non-finite numbers, integers outside i64, nested byte arrays, a value that does
 * not match its `type`).
 */
export function encodeParameter(parameter: Parameter, field = "parameter"): string {
  const w = new JsonWriter(field).string("name", parameter.name);
  const { value } = parameter;
  let type: ParameterType | undefined = parameter.type;
  if (type !== undefined && !PARAMETER_TYPES.includes(type)) {
    throw encodeError(`${field}.type is not a known parameter type`);
  }
  const vf = `${field}.value`;
  let text: string | undefined;
  if (value === undefined) {
    text = undefined;
  } else if (value instanceof Uint8Array) {
    if (type !== undefined && type !== "byte_array") {
      throw encodeError(`${vf} is a Uint8Array but type is ${type}`);
    }
    type = "byte_array";
    text = JSON.stringify(encodeBase64(value));
  } else if (type === "byte_array") {
    if (typeof value !== "string" || !isBase64(value)) {
      throw encodeError(`${vf} must be a Uint8Array or a base64 string for type byte_array`);
    }
    text = JSON.stringify(value);
  } else if (type === "float64") {
    text = floatOf(value, vf);
  } else if (type === "float64_array") {
    if (!Array.isArray(value)) {
      throw encodeError(`${vf} must be an array of numbers for type float64_array`);
    }
    text = `[${value.map((v, i) => floatOf(v, `${vf}[${i}]`)).join(",")}]`;
  } else if (typeof value === "number" && integerText(value) === undefined) {
    type = "float64";
    text = floatText(value, vf);
  } else if (
    Array.isArray(value) &&
    value.every(isNumeric) &&
    value.some((v) => typeof v === "number" && integerText(v) === undefined)
  ) {
    type = "float64_array";
    text = `[${value.map((v, i) => floatOf(v, `${vf}[${i}]`)).join(",")}]`;
  } else {
    text = valueText(value, vf, 0);
  }
  w.optString("type", type);
  return text === undefined ? w.toString() : w.raw("value", text).toString();
}

// ---- decoding ----

function fail(op: string, path: string, what: string): never {
  throw decodeError(`Invalid "${op}" message: ${path} ${what}`);
}

/** A JSON number as a parameter number: i64 integers stay integers, anything else is a float. */
function decodeNumber(n: JsonNumber, op: string, path: string): number | bigint {
  if (n.isIntegerLiteral) {
    const b = BigInt(n.text);
    if (b >= I64_MIN && b <= I64_MAX) {
      return b >= BigInt(Number.MIN_SAFE_INTEGER) && b <= BigInt(Number.MAX_SAFE_INTEGER)
        ? Number(b)
        : b;
    }
  }
  return decodeFloat(n, op, path);
}

function decodeFloat(n: JsonNumber, op: string, path: string): number {
  const f = Number(n.text);
  if (!Number.isFinite(f)) {
    fail(op, path, "is out of range for a 64-bit float");
  }
  return f;
}

function isFloatResult(n: JsonNumber, decoded: number | bigint): boolean {
  return !n.isIntegerLiteral || (typeof decoded === "number" && !Number.isSafeInteger(decoded));
}

function decodeNested(v: JsonValue, op: string, path: string): ParameterValue {
  if (v === null) {
    return fail(op, path, "must not be null");
  }
  if (v instanceof JsonNumber) {
    return decodeNumber(v, op, path);
  }
  if (Array.isArray(v)) {
    return v.map((item, i) => decodeNested(item, op, `${path}[${i}]`));
  }
  if (v instanceof Map) {
    const out: Record<string, ParameterValue> = {};
    for (const [k, item] of v) {
      setOwn(out, k, decodeNested(item, op, `${path}.${k}`));
    }
    return out;
  }
  return v;
}

/**
 * Decodes one parameter object following the reference algorithm of spec 3.5. Floats decoded
 * without a hint get `type` `float64` / `float64_array`, so re-encoding preserves them; byte
 * arrays are returned as `Uint8Array`. Throws `ERR_DECODE` on unknown keys, `null` values,
 * unknown types, a value not matching its type, or mixed number/non-number top-level arrays.
 */
export function decodeParameter(json: JsonValue, op: string, path: string): Parameter {
  if (!(json instanceof Map)) {
    return fail(op, path, `must be an object (got ${jsonTypeName(json)})`);
  }
  for (const key of json.keys()) {
    if (!PARAMETER_KEYS.includes(key)) {
      fail(op, path, "has an unknown key");
    }
  }
  const f = new JsonFields(json, op, path);
  const name = f.string("name");
  const typeText = f.optString("type");
  if (typeText !== undefined && !PARAMETER_TYPES.includes(typeText)) {
    fail(op, `${path}.type`, "is not a known parameter type");
  }
  let type = typeText as ParameterType | undefined;
  if (!json.has("value")) {
    return type === undefined ? { name } : { name, type };
  }
  const v = json.get("value")!;
  const vp = `${path}.value`;
  let value: ParameterValue;
  if (v === null) {
    return fail(op, vp, "must not be null (omit it to unset)");
  } else if (type === "float64") {
    value = v instanceof JsonNumber ? decodeFloat(v, op, vp) : fail(op, vp, "must be a number");
  } else if (type === "float64_array") {
    if (!Array.isArray(v)) {
      return fail(op, vp, "must be an array of numbers");
    }
    value = v.map((item, i) =>
      item instanceof JsonNumber
        ? decodeFloat(item, op, `${vp}[${i}]`)
        : fail(op, `${vp}[${i}]`, "must be a number"),
    );
  } else if (type === "byte_array") {
    if (typeof v !== "string") {
      return fail(op, vp, "must be a base64 string");
    }
    try {
      value = decodeBase64(v);
    } catch {
      return fail(op, vp, "must be valid standard base64");
    }
  } else if (v instanceof JsonNumber) {
    value = decodeNumber(v, op, vp);
    if (isFloatResult(v, value)) {
      type = "float64";
    }
  } else if (Array.isArray(v) && v.some((item) => item instanceof JsonNumber)) {
    if (!v.every((item) => item instanceof JsonNumber)) {
      return fail(op, vp, "mixes numbers and non-numbers");
    }
    const nums = v;
    const decoded = nums.map((n, i) => decodeNumber(n, op, `${vp}[${i}]`));
    if (nums.some((n, i) => isFloatResult(n, decoded[i]!))) {
      type = "float64_array";
      value = nums.map((n, i) => decodeFloat(n, op, `${vp}[${i}]`));
    } else {
      value = decoded;
    }
  } else {
    value = decodeNested(v, op, vp);
  }
  return type === undefined ? { name, value } : { name, type, value };
}
