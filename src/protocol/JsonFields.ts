import { decodeError } from "./errors.js";
import { JsonNumber, type JsonObject, type JsonValue } from "./parseJson.js";

const UNSIGNED = /^(0|[1-9][0-9]*)$/;

/** Sets `key` on a plain object, safe for keys such as `__proto__`. */
export function setOwn<T>(target: Record<string, T>, key: string, value: T): void {
  if (key === "__proto__") {
    Object.defineProperty(target, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  } else {
    target[key] = value;
  }
}

/** Describes the JSON type of `value` for error messages (never echoes the value). */
export function jsonTypeName(value: JsonValue | undefined): string {
  if (value === undefined) {
    return "missing";
  }
  if (value === null) {
    return "null";
  }
  if (value instanceof JsonNumber) {
    return "a number";
  }
  if (value instanceof Map) {
    return "an object";
  }
  if (Array.isArray(value)) {
    return "an array";
  }
  return typeof value === "string" ? "a string" : "a boolean";
}

/**
 * Typed, strict access to the fields of one JSON object of a message. Errors are `ERR_DECODE`
 * with the message name and the field path. Optional fields treat `null` as absent.
 */
export class JsonFields {
  readonly #obj: JsonObject;
  readonly #op: string;
  readonly #path: string;

  constructor(obj: JsonObject, op: string, path = "") {
    this.#obj = obj;
    this.#op = op;
    this.#path = path;
  }

  /** The underlying object. */
  get object(): JsonObject {
    return this.#obj;
  }

  /** Fails with a message naming `key`. */
  fail(key: string, expected: string, found?: JsonValue): never {
    const where = this.#path === "" ? key : `${this.#path}.${key}`;
    const got = found === undefined && !this.#obj.has(key) ? "missing" : jsonTypeName(found);
    throw decodeError(`Invalid "${this.#op}" message: ${where} must be ${expected} (got ${got})`);
  }

  #get(key: string): JsonValue | undefined {
    return this.#obj.get(key);
  }

  #opt(key: string): JsonValue | undefined {
    const v = this.#obj.get(key);
    return v === null ? undefined : v;
  }

  string(key: string): string {
    const v = this.#get(key);
    return typeof v === "string" ? v : this.fail(key, "a string", v);
  }

  optString(key: string): string | undefined {
    const v = this.#opt(key);
    return v === undefined || typeof v === "string" ? v : this.fail(key, "a string", v);
  }

  bool(key: string): boolean {
    const v = this.#get(key);
    return typeof v === "boolean" ? v : this.fail(key, "a boolean", v);
  }

  optBool(key: string): boolean | undefined {
    const v = this.#opt(key);
    return v === undefined || typeof v === "boolean" ? v : this.fail(key, "a boolean", v);
  }

  #unsigned(key: string, v: JsonValue | undefined, max: number, expected: string): number {
    if (v instanceof JsonNumber && UNSIGNED.test(v.text) && v.text.length <= 16) {
      const n = Number(v.text);
      if (n <= max) {
        return n;
      }
    }
    return this.fail(key, expected, v);
  }

  /** An unsigned 32-bit integer literal. */
  u32(key: string): number {
    return this.#unsigned(key, this.#get(key), 0xffff_ffff, "an unsigned 32-bit integer");
  }

  /** An unsigned integer literal below 2^53 (u64 ids). */
  u64(key: string): number {
    return this.#unsigned(
      key,
      this.#get(key),
      Number.MAX_SAFE_INTEGER,
      "an unsigned integer below 2^53",
    );
  }

  #array(key: string, v: JsonValue | undefined): JsonValue[] {
    return Array.isArray(v) ? v : this.fail(key, "an array", v);
  }

  /** An array of objects, each wrapped for field access. */
  objects(key: string): JsonFields[] {
    return this.#array(key, this.#get(key)).map((item, i) => {
      if (!(item instanceof Map)) {
        return this.fail(`${key}[${i}]`, "an object", item);
      }
      const path = this.#path === "" ? `${key}[${i}]` : `${this.#path}.${key}[${i}]`;
      return new JsonFields(item, this.#op, path);
    });
  }

  /** An optional nested object. */
  optObject(key: string): JsonFields | undefined {
    const v = this.#opt(key);
    if (v === undefined) {
      return undefined;
    }
    if (!(v instanceof Map)) {
      return this.fail(key, "an object", v);
    }
    return new JsonFields(v, this.#op, this.#path === "" ? key : `${this.#path}.${key}`);
  }

  /** The raw array under `key`. */
  array(key: string): JsonValue[] {
    return this.#array(key, this.#get(key));
  }

  stringArray(key: string): string[] {
    const arr = this.#array(key, this.#get(key));
    for (let i = 0; i < arr.length; i++) {
      if (typeof arr[i] !== "string") {
        this.fail(`${key}[${i}]`, "a string", arr[i]);
      }
    }
    return arr as string[];
  }

  optStringArray(key: string): string[] | undefined {
    return this.#opt(key) === undefined ? undefined : this.stringArray(key);
  }

  /** An optional string array; empty counts as absent (the spec omits empty lists). */
  nonEmptyStringArray(key: string): string[] | undefined {
    const v = this.optStringArray(key);
    return v === undefined || v.length === 0 ? undefined : v;
  }

  #unsignedArray(key: string, max: number, expected: string): number[] {
    return this.#array(key, this.#get(key)).map((v, i) =>
      this.#unsigned(`${key}[${i}]`, v, max, expected),
    );
  }

  u32Array(key: string): number[] {
    return this.#unsignedArray(key, 0xffff_ffff, "an unsigned 32-bit integer");
  }

  u64Array(key: string): number[] {
    return this.#unsignedArray(key, Number.MAX_SAFE_INTEGER, "an unsigned integer below 2^53");
  }

  /** An optional object whose values are all strings; empty counts as absent. */
  optStringRecord(key: string): Record<string, string> | undefined {
    const v = this.#opt(key);
    if (v === undefined) {
      return undefined;
    }
    if (!(v instanceof Map)) {
      return this.fail(key, "an object of strings", v);
    }
    const out: Record<string, string> = {};
    for (const [k, item] of v) {
      if (typeof item !== "string") {
        this.fail(`${key} values`, "strings", item);
      }
      setOwn(out, k, item);
    }
    return v.size === 0 ? undefined : out;
  }
}
