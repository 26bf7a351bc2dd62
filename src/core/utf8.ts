import { commitBytes, reserveBytes } from "./allocBytes.js";

const encoder = new TextEncoder();
/** Below this length a JS loop beats TextEncoder's native call overhead (measured on Node 20). */
const SHORT = 512;

/** Encodes a string as UTF-8 (lone surrogates become U+FFFD, as with `TextEncoder`). */
export function utf8Encode(text: string): Uint8Array {
  const n = text.length;
  if (n > SHORT) {
    return encoder.encode(text);
  }
  const out = reserveBytes(n * 3);
  let o = 0;
  for (let i = 0; i < n; i++) {
    let c = text.charCodeAt(i);
    if (c < 0x80) {
      out[o++] = c;
    } else if (c < 0x800) {
      out[o++] = 0xc0 | (c >> 6);
      out[o++] = 0x80 | (c & 63);
    } else {
      if (c >= 0xd800 && c < 0xe000) {
        const next = i + 1 < n ? text.charCodeAt(i + 1) : 0;
        if (c < 0xdc00 && next >= 0xdc00 && next < 0xe000) {
          i++;
          c = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
          out[o++] = 0xf0 | (c >> 18);
          out[o++] = 0x80 | ((c >> 12) & 63);
          out[o++] = 0x80 | ((c >> 6) & 63);
          out[o++] = 0x80 | (c & 63);
          continue;
        }
        c = 0xfffd;
      }
      out[o++] = 0xe0 | (c >> 12);
      out[o++] = 0x80 | ((c >> 6) & 63);
      out[o++] = 0x80 | (c & 63);
    }
  }
  return commitBytes(out, o);
}
