import { base64Decode } from "../core/base64.js";
import { PROTO_FILES } from "./generated/descriptors.js";

const decoded = new Map<string, Uint8Array>();

function fileBytes(name: string): Uint8Array {
  let bytes = decoded.get(name);
  if (bytes === undefined) {
    const text = PROTO_FILES[name];
    if (text === undefined) {
      throw new Error(`no descriptor for ${name}`);
    }
    bytes = base64Decode(text);
    decoded.set(name, bytes);
  }
  return bytes;
}

function varintLength(n: number): number {
  let len = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 0x80);
    len++;
  }
  return len;
}

/**
 * Serializes a google.protobuf.FileDescriptorSet holding the given generated .proto files in
 * order: each file is field 1 (length-delimited) of the set.
 */
export function descriptorSet(files: readonly string[]): Uint8Array {
  const parts = files.map(fileBytes);
  const size = parts.reduce((sum, p) => sum + 1 + varintLength(p.length) + p.length, 0);
  const out = new Uint8Array(size);
  let o = 0;
  for (const part of parts) {
    out[o++] = 0x0a; // field 1, wire type 2
    let n = part.length;
    while (n >= 0x80) {
      out[o++] = (n & 0x7f) | 0x80;
      n = Math.floor(n / 0x80);
    }
    out[o++] = n;
    out.set(part, o);
    o += part.length;
  }
  return out;
}
