import { decodeError } from "./errors.js";

/** A JSON number kept as its source text, so integers and float literals stay distinguishable. */
export class JsonNumber {
  /** The literal exactly as written, e.g. `1`, `1.0`, `-2e5`. */
  readonly text: string;

  constructor(text: string) {
    this.text = text;
  }

  /** True for integer literals (no `.`, `e` or `E`). */
  get isIntegerLiteral(): boolean {
    return !/[.eE]/.test(this.text);
  }
}

/** A parsed JSON value: objects are Maps (no prototype pitfalls), numbers keep their text. */
export type JsonValue = null | boolean | string | JsonNumber | JsonValue[] | JsonObject;

/** A parsed JSON object. Duplicate keys: the last one wins. */
export type JsonObject = Map<string, JsonValue>;

/** Deepest array/object nesting accepted; deeper input is rejected rather than overflowing. */
export const MAX_JSON_DEPTH = 128;

const ESCAPES: Record<string, string> = {
  '"': '"',
  "\\": "\\",
  "/": "/",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
};

/** Strict RFC 8259 parser with raw number text; throws `ERR_DECODE` on any syntax error. */
class Parser {
  readonly #s: string;
  #i = 0;

  constructor(text: string) {
    this.#s = text;
  }

  parse(): JsonValue {
    const value = this.#value(0);
    this.#ws();
    if (this.#i !== this.#s.length) {
      this.#fail("unexpected data after the JSON value");
    }
    return value;
  }

  #fail(what: string): never {
    throw decodeError(`Invalid JSON at offset ${this.#i}: ${what}`);
  }

  #ws(): void {
    const s = this.#s;
    let i = this.#i;
    for (;;) {
      const c = s.charCodeAt(i);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) {
        i++;
      } else {
        break;
      }
    }
    this.#i = i;
  }

  #value(depth: number): JsonValue {
    this.#ws();
    const c = this.#s.charCodeAt(this.#i);
    switch (c) {
      case 0x7b: // {
        return this.#object(depth + 1);
      case 0x5b: // [
        return this.#array(depth + 1);
      case 0x22: // "
        return this.#string();
      case 0x74: // t
        return this.#literal("true", true);
      case 0x66: // f
        return this.#literal("false", false);
      case 0x6e: // n
        return this.#literal("null", null);
      default:
        if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
          return this.#number();
        }
        return this.#fail(Number.isNaN(c) ? "unexpected end of input" : "unexpected character");
    }
  }

  #literal<T extends JsonValue>(word: string, value: T): T {
    if (!this.#s.startsWith(word, this.#i)) {
      this.#fail("unexpected character");
    }
    this.#i += word.length;
    return value;
  }

  #digits(): number {
    const s = this.#s;
    const start = this.#i;
    let c = s.charCodeAt(this.#i);
    while (c >= 0x30 && c <= 0x39) {
      c = s.charCodeAt(++this.#i);
    }
    return this.#i - start;
  }

  #number(): JsonNumber {
    const s = this.#s;
    const start = this.#i;
    if (s.charCodeAt(this.#i) === 0x2d) {
      this.#i++;
    }
    if (s.charCodeAt(this.#i) === 0x30) {
      this.#i++;
    } else if (this.#digits() === 0) {
      this.#fail("invalid number");
    }
    if (s.charCodeAt(this.#i) === 0x2e) {
      this.#i++;
      if (this.#digits() === 0) {
        this.#fail("invalid number");
      }
    }
    const e = s.charCodeAt(this.#i);
    if (e === 0x65 || e === 0x45) {
      this.#i++;
      const sign = s.charCodeAt(this.#i);
      if (sign === 0x2b || sign === 0x2d) {
        this.#i++;
      }
      if (this.#digits() === 0) {
        this.#fail("invalid number");
      }
    }
    return new JsonNumber(s.slice(start, this.#i));
  }

  #string(): string {
    const s = this.#s;
    const start = ++this.#i;
    // Fast path: no escapes.
    for (let i = start; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c === 0x22) {
        this.#i = i + 1;
        return s.slice(start, i);
      }
      if (c === 0x5c || c < 0x20) {
        break;
      }
    }
    let out = "";
    let runStart = start;
    for (;;) {
      if (this.#i >= s.length) {
        this.#fail("unterminated string");
      }
      const c = s.charCodeAt(this.#i);
      if (c === 0x22) {
        out += s.slice(runStart, this.#i);
        this.#i++;
        return out;
      }
      if (c < 0x20) {
        this.#fail("control character in string");
      }
      if (c !== 0x5c) {
        this.#i++;
        continue;
      }
      out += s.slice(runStart, this.#i);
      const e = s[this.#i + 1];
      if (e === "u") {
        const hex = s.slice(this.#i + 2, this.#i + 6);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) {
          this.#fail("invalid \\u escape");
        }
        out += String.fromCharCode(parseInt(hex, 16));
        this.#i += 6;
      } else {
        const mapped = e === undefined ? undefined : ESCAPES[e];
        if (mapped === undefined) {
          this.#fail("invalid escape");
        }
        out += mapped;
        this.#i += 2;
      }
      runStart = this.#i;
    }
  }

  #array(depth: number): JsonValue[] {
    if (depth > MAX_JSON_DEPTH) {
      this.#fail("nesting too deep");
    }
    this.#i++;
    const out: JsonValue[] = [];
    this.#ws();
    if (this.#s.charCodeAt(this.#i) === 0x5d) {
      this.#i++;
      return out;
    }
    for (;;) {
      out.push(this.#value(depth));
      this.#ws();
      const c = this.#s.charCodeAt(this.#i++);
      if (c === 0x5d) {
        return out;
      }
      if (c !== 0x2c) {
        this.#i--;
        this.#fail("expected ',' or ']'");
      }
    }
  }

  #object(depth: number): JsonObject {
    if (depth > MAX_JSON_DEPTH) {
      this.#fail("nesting too deep");
    }
    this.#i++;
    const out: JsonObject = new Map();
    this.#ws();
    if (this.#s.charCodeAt(this.#i) === 0x7d) {
      this.#i++;
      return out;
    }
    for (;;) {
      this.#ws();
      if (this.#s.charCodeAt(this.#i) !== 0x22) {
        this.#fail("expected a string key");
      }
      const key = this.#string();
      this.#ws();
      if (this.#s.charCodeAt(this.#i) !== 0x3a) {
        this.#fail("expected ':'");
      }
      this.#i++;
      out.set(key, this.#value(depth));
      this.#ws();
      const c = this.#s.charCodeAt(this.#i++);
      if (c === 0x7d) {
        return out;
      }
      if (c !== 0x2c) {
        this.#i--;
        this.#fail("expected ',' or '}'");
      }
    }
  }
}

/** Parses JSON text into a {@link JsonValue}; throws `ERR_DECODE` on invalid JSON. */
export function parseJson(text: string): JsonValue {
  return new Parser(text).parse();
}
