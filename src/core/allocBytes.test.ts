import assert from "node:assert/strict";
import { test } from "node:test";
import { allocBytes, commitBytes, reserveBytes } from "./allocBytes.js";

test("pooled allocations never overlap and are zeroed", () => {
  const arrays: Uint8Array[] = [];
  for (let i = 0; i < 2000; i++) {
    const a = allocBytes(1 + (i % 97));
    assert.ok(a.every((b) => b === 0));
    a.fill(0xff);
    arrays.push(a);
  }
  // every earlier array still holds only what was written to it
  assert.ok(arrays.every((a) => a.every((b) => b === 0xff)));
  const big = allocBytes(100_000);
  assert.equal(big.length, 100_000);
  assert.equal(big.byteOffset, 0);
});

test("reserve then commit keeps only the committed bytes", () => {
  const region = reserveBytes(30);
  region.set([1, 2, 3]);
  const kept = commitBytes(region, 3);
  assert.deepEqual([...kept], [1, 2, 3]);
  const next = allocBytes(8);
  assert.ok(next.byteOffset >= kept.byteOffset + 3 || next.buffer !== kept.buffer);
  assert.deepEqual([...kept], [1, 2, 3]);
});
