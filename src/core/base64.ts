const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const ENC = new Uint8Array(64);
const DEC = new Int16Array(128).fill(-1);
for (let i = 0; i < 64; i++) {
  ENC[i] = ALPHABET.charCodeAt(i);
  DEC[ALPHABET.charCodeAt(i)] = i;
}
const PAD = 61; // "="
const ascii = new TextDecoder("latin1");

/** Node's Buffer when present (native and faster); the code below works without it. */
interface NativeBase64 {
  from(data: ArrayBufferLike, offset: number, length: number): { toString(enc: "base64"): string };
}
const native = (globalThis as { Buffer?: NativeBase64 }).Buffer;
/** Below this size the JS loop is as fast as the native call. */
const NATIVE_MIN = 256;

/** Encodes bytes as standard base64 (RFC 4648, with padding). Platform-free. */
export function base64Encode(bytes: Uint8Array): string {
  const n = bytes.length;
  if (native !== undefined && n >= NATIVE_MIN) {
    return native.from(bytes.buffer, bytes.byteOffset, n).toString("base64");
  }
  const out = new Uint8Array(Math.ceil(n / 3) * 4);
  let o = 0;
  let i = 0;
  for (; i + 2 < n; i += 3) {
    const v = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out[o++] = ENC[v >>> 18]!;
    out[o++] = ENC[(v >>> 12) & 63]!;
    out[o++] = ENC[(v >>> 6) & 63]!;
    out[o++] = ENC[v & 63]!;
  }
  if (i < n) {
    const b1 = i + 1 < n ? bytes[i + 1]! : 0;
    const v = (bytes[i]! << 16) | (b1 << 8);
    out[o++] = ENC[v >>> 18]!;
    out[o++] = ENC[(v >>> 12) & 63]!;
    out[o++] = i + 1 < n ? ENC[(v >>> 6) & 63]! : PAD;
    out[o++] = PAD;
  }
  return ascii.decode(out);
}

/**
 * Decodes standard base64 (padding optional, no whitespace).
 * @throws {Error} on a character outside the alphabet or an impossible length
 */
export function base64Decode(text: string): Uint8Array {
  let len = text.length;
  while (len > 0 && text.charCodeAt(len - 1) === PAD) {
    len--;
  }
  if (len % 4 === 1) {
    throw new Error("invalid base64 length");
  }
  const out = new Uint8Array(Math.floor((len * 3) / 4));
  let acc = 0;
  let bits = 0;
  let o = 0;
  for (let i = 0; i < len; i++) {
    const c = text.charCodeAt(i);
    const d = c < 128 ? DEC[c]! : -1;
    if (d < 0) {
      throw new Error(`invalid base64 character at ${i}`);
    }
    acc = ((acc << 6) | d) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >>> bits) & 0xff;
    }
  }
  return out;
}
