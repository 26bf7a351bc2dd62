import assert from "node:assert/strict";
import { test } from "node:test";
import { redact } from "./redact.js";

const jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl";

test("removes given secrets wherever they appear, ignoring empty ones", () => {
  assert.equal(redact("opaque-secret failed", "opaque-secret"), "<redacted> failed");
  assert.equal(redact("a-b-a", "", undefined), "a-b-a");
  assert.equal(redact("x s1 y s2", "s1", "s2"), "x <redacted> y <redacted>");
});

test("removes JWT-shaped strings and Foxglove-style tokens", () => {
  assert.equal(redact(`bad token ${jwt}!`), "bad token <redacted>!");
  assert.equal(redact("/v1/fox_dt_abc123/x"), "/v1/<redacted>/x");
  assert.equal(redact("curl/8 fox_sk_Zz9"), "curl/8 <redacted>");
});

test("removes values of secret-looking name=value pairs", () => {
  assert.equal(redact("GET /rtc?access_token=abc.def&x=1"), "GET /rtc?access_token=<redacted>&x=1");
  assert.equal(redact("?jwt=abc&apiKey=k&q=1"), "?jwt=<redacted>&apiKey=<redacted>&q=1");
  assert.equal(redact("password=hunter2 ok"), "password=<redacted> ok");
});

test("removes credentials after an HTTP auth scheme, keeping the scheme", () => {
  assert.equal(redact("ua Bearer abc.def rest"), "ua Bearer <redacted> rest");
  assert.equal(redact("DeviceToken%20opaque"), "DeviceToken%20<redacted>");
});

test("leaves ordinary text alone", () => {
  for (const s of ["nothing here", "/api/v1/device-info", "monkey business", "tokens: 3"]) {
    assert.equal(redact(s), s);
  }
});
