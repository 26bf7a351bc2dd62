import assert from "node:assert/strict";
import { test } from "node:test";
import { utf8Encode } from "./utf8.js";

test("utf8Encode matches TextEncoder, short and long, including surrogates", () => {
  const te = new TextEncoder();
  const samples = [
    "",
    "plain ascii",
    "héllo wörld",
    "€ and 日本語",
    "emoji 😀 pair",
    "lone \ud800 high",
    "lone \udc00 low",
    "end \ud83d",
    "x".repeat(600) + "é😀",
  ];
  for (const s of samples) {
    assert.deepEqual(utf8Encode(s), te.encode(s), JSON.stringify(s.slice(0, 20)));
  }
});
