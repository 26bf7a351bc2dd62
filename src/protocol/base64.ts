import { decodeError } from "./errors.js";

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const ENCODE = Array.from(ALPHABET);
const DECODE = new Int16Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) {
  DECODE[ALPHABET.charCodeAt(i)] = i;
}

/** Standard base64 (RFC 4648 alphabet, `=` padding) of `bytes`. */
export function encodeBase64(bytes: Uint8Array): string {
  const parts: string[] = [];
  let chunk = "";
  const n = bytes.length;
  let i = 0;
  for (; i + 2 < n; i += 3) {
    const v = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    chunk += ENCODE[v >> 18]! + ENCODE[(v >> 12) & 63]! + ENCODE[(v >> 6) & 63]! + ENCODE[v & 63]!;
    if (chunk.length >= 8192) {
      parts.push(chunk);
      chunk = "";
    }
  }
  if (i + 1 === n) {
    const v = bytes[i]! << 16;
    chunk += ENCODE[v >> 18]! + ENCODE[(v >> 12) & 63]! + "==";
  } else if (i + 2 === n) {
    const v = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    chunk += ENCODE[v >> 18]! + ENCODE[(v >> 12) & 63]! + ENCODE[(v >> 6) & 63]! + "=";
  }
  parts.push(chunk);
  return parts.join("");
}

function sextet(text: string, index: number): number {
  const c = text.charCodeAt(index);
  const v = c < 128 ? DECODE[c]! : -1;
  if (v < 0) {
    throw decodeError(`Invalid base64: unexpected character at offset ${index}`);
  }
  return v;
}

/**
 * Decodes strict standard base64: length a multiple of 4, `=` padding only at the end, no
 * whitespace, unused trailing bits zero. Throws `ERR_DECODE` otherwise.
 */
export function decodeBase64(text: string): Uint8Array {
  const len = text.length;
  if (len % 4 !== 0) {
    throw decodeError("Invalid base64: length is not a multiple of 4");
  }
  if (len === 0) {
    return new Uint8Array(0);
  }
  const pad = text.endsWith("==") ? 2 : text.endsWith("=") ? 1 : 0;
  const out = new Uint8Array((len / 4) * 3 - pad);
  const full = pad === 0 ? len : len - 4;
  let o = 0;
  for (let i = 0; i < full; i += 4) {
    const v =
      (sextet(text, i) << 18) |
      (sextet(text, i + 1) << 12) |
      (sextet(text, i + 2) << 6) |
      sextet(text, i + 3);
    out[o++] = v >> 16;
    out[o++] = (v >> 8) & 255;
    out[o++] = v & 255;
  }
  if (pad === 2) {
    const a = sextet(text, full);
    const b = sextet(text, full + 1);
    if ((b & 15) !== 0) {
      throw decodeError("Invalid base64: non-zero trailing bits");
    }
    out[o] = (a << 2) | (b >> 4);
  } else if (pad === 1) {
    const a = sextet(text, full);
    const b = sextet(text, full + 1);
    const c = sextet(text, full + 2);
    if ((c & 3) !== 0) {
      throw decodeError("Invalid base64: non-zero trailing bits");
    }
    out[o++] = (a << 2) | (b >> 4);
    out[o] = ((b & 15) << 4) | (c >> 2);
  }
  return out;
}

/** True when `text` is strict standard base64 (see {@link decodeBase64}). */
export function isBase64(text: string): boolean {
  try {
    decodeBase64(text);
    return true;
  } catch {
    return false;
  }
}
