import { checkSafeId, checkU32 } from "./ByteWriter.js";
import { encodeError } from "./errors.js";

/** Orders strings by Unicode code point (= UTF-8 byte order), not UTF-16 code unit. */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x !== y) {
      if (x >= 0xd800 && y >= 0xd800) {
        x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
        y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
      }
      return x - y;
    }
  }
  return a.length - b.length;
}

/** JSON text of a string, checking its type. */
export function jsonString(value: string, field: string): string {
  if (typeof value !== "string") {
    throw encodeError(`${field} must be a string`);
  }
  return JSON.stringify(value);
}

/**
 * Maps the items of an array field to JSON texts, naming each `field[i]`; throws `ERR_ENCODE` when
 * `values` is not an array.
 */
export function mapItems<T>(
  values: readonly T[],
  field: string,
  fn: (value: T, field: string) => string,
): string[] {
  const untyped: unknown = values;
  if (!Array.isArray(untyped)) {
    throw encodeError(`${field} must be an array`);
  }
  return values.map((v, i) => fn(v, `${field}[${i}]`));
}

/**
 * Builds one compact JSON object field by field, in call order (the order the spec lists), with
 * type checks that throw `ERR_ENCODE`. Optional fields given `undefined` are omitted.
 */
export class JsonWriter {
  readonly #parts: string[] = [];
  readonly #what: string;

  constructor(what: string) {
    this.#what = what;
  }

  #f(key: string): string {
    return `${this.#what}.${key}`;
  }

  /** Adds a field whose value is already JSON text. */
  raw(key: string, json: string): this {
    this.#parts.push(`"${key}":${json}`);
    return this;
  }

  string(key: string, value: string): this {
    return this.raw(key, jsonString(value, this.#f(key)));
  }

  optString(key: string, value: string | undefined): this {
    return value === undefined ? this : this.string(key, value);
  }

  bool(key: string, value: boolean): this {
    if (typeof value !== "boolean") {
      throw encodeError(`${this.#f(key)} must be a boolean`);
    }
    return this.raw(key, value ? "true" : "false");
  }

  u32(key: string, value: number): this {
    return this.raw(key, String(checkU32(value, this.#f(key))));
  }

  /** A u64 id given as a number below 2^53. */
  u64(key: string, value: number): this {
    return this.raw(key, String(checkSafeId(value, this.#f(key))));
  }

  #list<T>(key: string, values: readonly T[], item: (v: T, field: string) => string): this {
    return this.raw(key, `[${mapItems(values, this.#f(key), item).join(",")}]`);
  }

  stringArray(key: string, values: readonly string[]): this {
    return this.#list(key, values, jsonString);
  }

  /** A string array omitted when `undefined` or empty. */
  nonEmptyStringArray(key: string, values: readonly string[] | undefined): this {
    return values === undefined || values.length === 0 ? this : this.stringArray(key, values);
  }

  u32Array(key: string, values: readonly number[]): this {
    return this.#list(key, values, (v, f) => String(checkU32(v, f)));
  }

  u64Array(key: string, values: readonly number[]): this {
    return this.#list(key, values, (v, f) => String(checkSafeId(v, f)));
  }

  /** An array of values already rendered to JSON text. */
  rawArray(key: string, values: readonly string[]): this {
    return this.raw(key, `[${values.join(",")}]`);
  }

  /** A string→string map omitted when `undefined` or empty; keys sorted when `sorted`. */
  record(key: string, value: Readonly<Record<string, string>> | undefined, sorted: boolean): this {
    if (value === undefined) {
      return this;
    }
    if (typeof value !== "object" || value === null) {
      throw encodeError(`${this.#f(key)} must be an object of strings`);
    }
    const keys = Object.keys(value);
    if (keys.length === 0) {
      return this;
    }
    if (sorted) {
      keys.sort(compareCodePoints);
    }
    const f = this.#f(key);
    const parts = keys.map((k) => `${JSON.stringify(k)}:${jsonString(value[k]!, `${f} values`)}`);
    return this.raw(key, `{${parts.join(",")}}`);
  }

  /** The finished object text. */
  toString(): string {
    return `{${this.#parts.join(",")}}`;
  }
}
