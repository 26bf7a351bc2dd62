import assert from "node:assert/strict";
import { test } from "node:test";
import { isFoxgloveError } from "../core/FoxgloveError.js";
import { resolveApiServerOptions, TEST_DEVICE } from "./ApiServerOptions.js";

test("defaults follow the spec and the livekit dev server", () => {
  const o = resolveApiServerOptions();
  assert.equal(o.host, "127.0.0.1");
  assert.equal(o.port, 0);
  assert.deepEqual(o.devices, []);
  assert.deepEqual(o.livekit, {
    url: "ws://127.0.0.1:7880",
    apiKey: "devkey",
    apiSecret: "secret",
  });
  assert.equal(o.heartbeatIntervalMs, 5000);
  assert.equal(o.deviceWaitForViewerMs, 300_000);
  assert.equal(o.leaseTtlMs, 15_000);
  assert.equal(o.keepAliveIntervalMs, 5000);
  assert.equal(o.tokenTtlSeconds, 21_600);
  assert.equal(o.viewerKey, undefined);
  assert.equal(o.viewerWaitMs, 10_000);
  assert.equal(o.wakeOnWatch, false);
  assert.equal(o.checkSessionPresence, true);
  assert.equal(o.sessionJoinGraceMs, 15_000);
  assert.equal(o.viewerTokenTtlSeconds, 3600);
  assert.equal(o.maxRecordBytes, 4 * 1024 * 1024);
  assert.equal(o.headersTimeoutMs, 10_000);
  assert.equal(o.requestTimeoutMs, 30_000);
});

test("a request timeout shorter than the header timeout is ERR_CONFIGURATION", () => {
  for (const bad of [
    { headersTimeoutMs: 5000, requestTimeoutMs: 4000 },
    { headersTimeoutMs: 99 },
    { maxRecordBytes: 100 },
    { viewerTokenTtlSeconds: 0 },
  ]) {
    assert.throws(
      () => resolveApiServerOptions(bad),
      (e) => isFoxgloveError(e, "ERR_CONFIGURATION"),
      JSON.stringify(bad),
    );
  }
});

test("lease ttl follows the clamped heartbeat interval; device defaults are filled", () => {
  const o = resolveApiServerOptions({
    heartbeatIntervalMs: 200,
    devices: [{ id: "a", name: "A", token: "t" }],
  });
  assert.equal(o.leaseTtlMs, 3000);
  assert.equal(o.keepAliveIntervalMs, 200);
  assert.deepEqual(o.devices[0], {
    id: "a",
    name: "A",
    token: "t",
    projectId: "prj_local",
    retainRecordingsSeconds: null,
  });
});

test("bad options are ERR_CONFIGURATION and never echo a token", () => {
  const cases: Parameters<typeof resolveApiServerOptions>[0][] = [
    { port: -1 },
    { port: 1.5 },
    { heartbeatIntervalMs: 0 },
    { devices: [{ id: "", name: "n", token: "t" }] },
    { devices: [TEST_DEVICE, TEST_DEVICE] },
    { devices: [TEST_DEVICE, { ...TEST_DEVICE, id: "other", name: "other" }] },
    { devices: [{ ...TEST_DEVICE, retainRecordingsSeconds: -5 }] },
    { viewerKey: "" },
    { keepAliveIntervalMs: 12_500 },
    { heartbeatIntervalMs: 200, keepAliveIntervalMs: 2500 },
    { livekit: { apiSecret: "" } },
  ];
  for (const options of cases) {
    assert.throws(
      () => resolveApiServerOptions(options),
      (e: unknown) =>
        isFoxgloveError(e, "ERR_CONFIGURATION") && !e.message.includes(TEST_DEVICE.token),
    );
  }
});
