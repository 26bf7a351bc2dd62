import assert from "node:assert/strict";
import { test } from "node:test";
import { errorText } from "./errorText.js";

const jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl";

test("errorText redacts and truncates LiveKit messages", () => {
  assert.equal(errorText(new Error(`x ${jwt}`)), "x <redacted>");
  const long = errorText(new Error("a".repeat(1000)), undefined, 10);
  assert.equal(long, `${"a".repeat(10)}…`);
  assert.equal(errorText("plain"), "plain");
  assert.equal(errorText(new Error("opaque-secret failed"), "opaque-secret"), "<redacted> failed");
});
