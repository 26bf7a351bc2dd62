import assert from "node:assert/strict";
import { test } from "node:test";
import { errorText } from "./errorText.js";
import { redactToken } from "./redactToken.js";

const jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl";

test("removes the given token, access_token parameters and JWT-shaped strings", () => {
  assert.equal(redactToken(`bad token ${jwt}!`), "bad token <redacted>!");
  assert.equal(
    redactToken("GET /rtc?access_token=abc.def&x=1"),
    "GET /rtc?access_token=<redacted>&x=1",
  );
  assert.equal(
    redactToken("opaque-secret-token failed", "opaque-secret-token"),
    "<redacted> failed",
  );
  assert.equal(redactToken("nothing here"), "nothing here");
});

test("errorText redacts and truncates LiveKit messages", () => {
  assert.equal(errorText(new Error(`x ${jwt}`)), "x <redacted>");
  const long = errorText(new Error("a".repeat(1000)), undefined, 10);
  assert.equal(long, `${"a".repeat(10)}…`);
  assert.equal(errorText("plain"), "plain");
});
