import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { test } from "node:test";
import { crc32 } from "node:zlib";
import { crc32Combine } from "./crc32Combine.js";

test("crc32Combine equals zlib's CRC of the concatenation", () => {
  for (const [a, b] of [
    [0, 0],
    [1, 1],
    [7, 0],
    [0, 9],
    [49, 1_048_627],
    [3, 65_537],
  ] as const) {
    const first = randomBytes(a);
    const second = randomBytes(b);
    assert.equal(
      crc32Combine(crc32(first), crc32(second), b),
      crc32(Buffer.concat([first, second])),
      `lengths ${a} + ${b}`,
    );
  }
});

test("crc32Combine chains: a running CRC extended by parts' CRCs", () => {
  const parts = [randomBytes(100), randomBytes(4096), randomBytes(1)];
  let running = 0;
  for (const part of parts) {
    running = crc32Combine(running, crc32(part), part.byteLength);
  }
  assert.equal(running, crc32(Buffer.concat(parts)));
});
