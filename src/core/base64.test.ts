import assert from "node:assert/strict";
import { test } from "node:test";
import { base64Decode, base64Encode } from "./base64.js";

test("base64 matches the standard encoding for every length remainder", () => {
  for (let n = 0; n < 70; n++) {
    const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 37 + n) & 0xff);
    const expected = Buffer.from(bytes).toString("base64");
    assert.equal(base64Encode(bytes), expected);
    assert.deepEqual(base64Decode(expected), bytes);
    assert.deepEqual(base64Decode(expected.replace(/=+$/, "")), bytes);
  }
});

test("base64Decode rejects bad characters and lengths", () => {
  assert.throws(() => base64Decode("ab*d"), /character/);
  assert.throws(() => base64Decode("abcde"), /length/);
});
