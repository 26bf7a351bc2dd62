import assert from "node:assert/strict";
import { test } from "node:test";
import { base64Decode, base64Encode } from "./base64.js";

test("base64 matches the standard encoding for every length remainder", () => {
  for (const n of [...Array(70).keys(), 255, 256, 257, 1000]) {
    const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 37 + n) & 0xff);
    const expected = Buffer.from(bytes).toString("base64");
    assert.equal(base64Encode(bytes), expected);
    assert.deepEqual(base64Decode(expected), bytes);
    assert.deepEqual(base64Decode(expected.replace(/=+$/, "")), bytes);
  }
});

test("base64Encode respects the view of a subarray", () => {
  const whole = Uint8Array.from({ length: 2000 }, (_, i) => i & 0xff);
  for (const view of [whole.subarray(3, 500), whole.subarray(1, 40)]) {
    assert.equal(base64Encode(view), Buffer.from(view).toString("base64"));
  }
});

test("base64Decode rejects bad characters and lengths", () => {
  assert.throws(() => base64Decode("ab*d"), /character/);
  assert.throws(() => base64Decode("abcde"), /length/);
});
