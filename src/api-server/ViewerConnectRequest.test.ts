import assert from "node:assert/strict";
import { test } from "node:test";
import { parseViewerConnectRequest } from "./ViewerConnectRequest.js";

test("defaults: random viewer identity, protocol 2.2.0, server wait", () => {
  const r = parseViewerConnectRequest({ device: "robot" }, 1234);
  assert.ok(!("problem" in r));
  assert.equal(r.device, "robot");
  assert.match(r.identity, /^viewer-[0-9a-f]{8}$/);
  assert.equal(r.protocolVersion, "2.2.0");
  assert.equal(r.timeoutMs, 1234);
  assert.equal(r.name, undefined);
});

test("explicit fields are kept, including an unsupported version and null", () => {
  const r = parseViewerConnectRequest(
    { device: "d", identity: "viewer-1", name: "Ann", protocolVersion: "1.0.0", timeoutMs: 0 },
    10,
  );
  assert.deepEqual(r, {
    device: "d",
    identity: "viewer-1",
    name: "Ann",
    protocolVersion: "1.0.0",
    timeoutMs: 0,
  });
  const none = parseViewerConnectRequest({ device: "d", protocolVersion: null }, 10);
  assert.ok(!("problem" in none));
  assert.equal(none.protocolVersion, null);
});

test("bad bodies get a problem", () => {
  for (const body of [
    null,
    [],
    "x",
    {},
    { device: "" },
    { device: 5 },
    { device: "d", identity: "has space" },
    { device: "d", identity: "" },
    { device: "d", identity: 7 },
    { device: "d", protocolVersion: 2 },
    { device: "d", protocolVersion: "x".repeat(65) },
    { device: "d", timeoutMs: -1 },
    { device: "d", timeoutMs: 1.5 },
    { device: "d", timeoutMs: 10_000_000 },
    { device: "d", name: {} },
  ]) {
    const r = parseViewerConnectRequest(body, 10);
    assert.ok("problem" in r, `expected a problem for ${JSON.stringify(body)}`);
    assert.ok(r.problem.length > 0);
  }
});
