import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { JsonNumber, MAX_JSON_DEPTH, parseJson, type JsonValue } from "./parseJson.js";

/** Converts a parsed value to plain JS for comparison with JSON.parse. */
function plain(v: JsonValue): unknown {
  if (v instanceof JsonNumber) return Number(v.text);
  if (v instanceof Map) return Object.fromEntries([...v].map(([k, x]) => [k, plain(x)]));
  if (Array.isArray(v)) return v.map(plain);
  return v;
}

describe("parseJson", () => {
  const valid = [
    "0",
    "-0",
    "1.5e-3",
    "-12E+4",
    '"a\\"b\\\\c\\/d\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00"',
    ' { "a" : [ 1 , { } , [ ] , null , true , false ] , "b" : "ünï 😀" } ',
    '{"a":1,"a":2}',
    "[]",
  ];
  for (const text of valid) {
    test(`agrees with JSON.parse on ${text}`, () => {
      assert.deepStrictEqual(plain(parseJson(text)), JSON.parse(text));
    });
  }

  test("keeps number text so float literals stay distinguishable", () => {
    const v = parseJson("[1, 1.0, 1e0, 12345678901234567890]") as JsonNumber[];
    assert.deepStrictEqual(
      v.map((n) => [n.text, n.isIntegerLiteral]),
      [
        ["1", true],
        ["1.0", false],
        ["1e0", false],
        ["12345678901234567890", true],
      ],
    );
  });

  const invalid = [
    "",
    " ",
    "{",
    "[1,]",
    "{,}",
    '{"a":1,}',
    "01",
    "1.",
    ".5",
    "-",
    "1e",
    "+1",
    "NaN",
    "tru",
    "nul",
    '"abc',
    '"\\x"',
    '"\\u12G4"',
    '"a\nb"',
    "{'a':1}",
    '{"a" 1}',
    "[1 2]",
    "1 2",
    "\u00a01",
  ];
  for (const text of invalid) {
    test(`rejects ${JSON.stringify(text)} like JSON.parse`, () => {
      assert.throws(() => JSON.parse(text));
      assert.throws(() => parseJson(text), {
        code: "ERR_DECODE",
        message: /Invalid JSON at offset/,
      });
    });
  }

  test(`limits nesting to ${MAX_JSON_DEPTH} instead of overflowing the stack`, () => {
    assert.doesNotThrow(() => parseJson("[".repeat(MAX_JSON_DEPTH) + "]".repeat(MAX_JSON_DEPTH)));
    assert.throws(() => parseJson("[".repeat(MAX_JSON_DEPTH + 1)), { message: /nesting too deep/ });
    assert.throws(() => parseJson('{"a":'.repeat(100_000)), { code: "ERR_DECODE" });
  });

  test("objects are Maps: __proto__ and constructor keys are plain data", () => {
    const v = parseJson('{"__proto__":{"x":1},"constructor":2}') as Map<string, JsonValue>;
    assert.ok(v.get("__proto__") instanceof Map);
    assert.ok(v.get("constructor") instanceof JsonNumber);
  });
});
