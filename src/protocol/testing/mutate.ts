// Mutations of valid encoded messages for the fuzz tests. Test-only.
import type { Mulberry32 } from "./mulberry32.js";

const INTERESTING_U32 = [
  0,
  1,
  4,
  5,
  8,
  0x7f,
  0xff,
  0xffff,
  0x7fff_ffff,
  0xffff_ffff,
  16 * 1024 * 1024,
  16 * 1024 * 1024 + 1,
];

/** A byte-level mutation of `input`: bit flips, truncation, extension, random lengths, splices. */
export function mutateBytes(rng: Mulberry32, input: Uint8Array, other: Uint8Array): Uint8Array {
  const out = Uint8Array.from(input);
  switch (rng.int(7)) {
    case 0: {
      // flip 1..4 bits
      for (let k = 1 + rng.int(4); k > 0 && out.length > 0; k--) {
        out[rng.int(out.length)]! ^= 1 << rng.int(8);
      }
      return out;
    }
    case 1:
      return out.subarray(0, rng.int(out.length + 1));
    case 2: {
      const ext = new Uint8Array(out.length + 1 + rng.int(32));
      ext.set(out);
      ext.set(rng.bytes(ext.length - out.length), out.length);
      return ext;
    }
    case 3: {
      // overwrite a u32 LE somewhere with an interesting or random length
      if (out.length >= 4) {
        const at = rng.int(out.length - 3);
        const v = rng.next() < 0.7 ? rng.pick(INTERESTING_U32) : rng.int(2 ** 32);
        new DataView(out.buffer).setUint32(at, v, true);
      }
      return out;
    }
    case 4: {
      // replace a random byte with a random value
      if (out.length > 0) out[rng.int(out.length)] = rng.int(256);
      return out;
    }
    case 5: {
      // splice: prefix of one input, suffix of another
      const a = out.subarray(0, rng.int(out.length + 1));
      const b = other.subarray(rng.int(other.length + 1));
      const s = new Uint8Array(a.length + b.length);
      s.set(a);
      s.set(b, a.length);
      return s;
    }
    default: {
      // delete a range
      const i = rng.int(out.length + 1);
      const j = Math.min(out.length, i + 1 + rng.int(8));
      const d = new Uint8Array(out.length - (j - i));
      d.set(out.subarray(0, i));
      d.set(out.subarray(j), i);
      return d;
    }
  }
}

const VALUES: unknown[] = [
  null,
  true,
  false,
  "",
  "x",
  -1,
  0,
  1,
  2,
  3,
  1.5,
  4294967295,
  4294967296,
  2 ** 53,
  -(2 ** 63),
  [],
  [1, "a"],
  {},
  { a: null },
];
const NUMBER_TEXTS = [
  "1.0",
  "-0",
  "1e999",
  "9223372036854775808",
  "-9223372036854775809",
  "00",
  "1e",
  "0.5",
  "18446744073709551616",
];

/** Replaces, deletes or adds one value somewhere in a parsed JSON tree (mutates it). */
function mutateTree(rng: Mulberry32, root: unknown): void {
  let node = root;
  for (let depth = 0; depth < 6; depth++) {
    if (typeof node !== "object" || node === null) return;
    const keys = Object.keys(node);
    const container = node as Record<string, unknown>;
    if (keys.length === 0 || rng.next() < 0.3) {
      const key =
        keys.length === 0 || rng.next() < 0.3
          ? rng.pick(["op", "id", "extra", "0", "value", "type"])
          : rng.pick(keys);
      const r = rng.int(3);
      if (r === 0 && !Array.isArray(node)) delete container[key];
      else container[key] = structuredClone(rng.pick(VALUES));
      return;
    }
    node = container[rng.pick(keys)];
  }
}

/** A JSON-aware mutation of valid JSON `text` (structural edits or number-literal swaps), or a byte mutation. */
export function mutateJson(rng: Mulberry32, text: string, other: string): string | Uint8Array {
  const enc = new TextEncoder();
  switch (rng.int(3)) {
    case 0: {
      const tree: unknown = JSON.parse(text);
      mutateTree(rng, tree);
      return JSON.stringify(tree) ?? "";
    }
    case 1: {
      const numbers = [...text.matchAll(/-?\d+(\.\d+)?([eE][+-]?\d+)?/g)];
      if (numbers.length === 0) return text;
      const m = rng.pick(numbers);
      return text.slice(0, m.index) + rng.pick(NUMBER_TEXTS) + text.slice(m.index + m[0].length);
    }
    default:
      return mutateBytes(rng, enc.encode(text), enc.encode(other));
  }
}
