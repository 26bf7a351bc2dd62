import assert from "node:assert/strict";
import { test } from "node:test";
import { FfiRequestBuffer } from "./FfiRequestBuffer.js";

test("the buffer is reused while requests fit, and grows by doubling", () => {
  const requests = new FfiRequestBuffer(16);
  const a = requests.take(10);
  const first = requests.finish(a, 10);
  assert.equal(first.byteLength, 10);
  assert.equal(requests.take(16), a, "a request that fits reuses the buffer");
  assert.equal(requests.finish(a, 10), first, "the same size reuses the view");
  const grown = requests.take(20);
  assert.notEqual(grown, a);
  assert.equal(grown.byteLength, 32);
  assert.equal(requests.take(5), grown, "it keeps the grown buffer");
});

test("a request over 1 MiB gets a one-off buffer and the reused one stays small", () => {
  const requests = new FfiRequestBuffer(16);
  const big = requests.take((1 << 20) + 1);
  assert.equal(big.byteLength, (1 << 20) + 1);
  assert.equal(requests.finish(big, (1 << 20) + 1), big);
  assert.equal(requests.take(8).byteLength, 16);
});
