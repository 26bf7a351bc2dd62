import assert from "node:assert/strict";
import { test } from "node:test";
import { ffiLogLevel } from "./ffiLogLevel.js";

test("native log levels map to ours", () => {
  assert.deepEqual([0, 1, 2, 3, 4, undefined].map(ffiLogLevel), [
    "error",
    "warn",
    "info",
    "debug",
    "debug",
    "debug",
  ]);
});
