// Fault injection of the API server, observed with real HTTP and a real SSE client.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  DEVICE_INFO_PATH,
  HEARTBEAT_PATH,
  startApiServer,
  TEST_DEVICE,
  VIEWER_DEVICES_PATH,
  WATCH_PATH,
} from "../src/api-server/index.js";
import type { ApiServer } from "../src/api-server/index.js";
import { SseTestClient } from "./helpers/sseTestClient.js";

const AUTH = { Authorization: `DeviceToken ${TEST_DEVICE.token}` };

describe("fault injection", () => {
  let server: ApiServer;
  const watch = () => SseTestClient.open(server.url + WATCH_PATH, AUTH);
  const deviceInfo = (signal?: AbortSignal) =>
    fetch(server.url + DEVICE_INFO_PATH, { headers: AUTH, ...(signal ? { signal } : {}) });
  const heartbeat = (watchLeaseId: string) =>
    fetch(server.url + HEARTBEAT_PATH, {
      method: "POST",
      headers: { ...AUTH, "Content-Type": "application/json" },
      body: JSON.stringify({ watchLeaseId }),
    });

  before(async () => {
    server = await startApiServer({ devices: [TEST_DEVICE], keepAliveIntervalMs: 40 });
  });
  after(() => server.stop());

  test("respond: any status with a default JSON error, used up after `times`", async () => {
    server.injectFault("deviceInfo", { kind: "respond", status: 503 }, { times: 2 });
    for (let i = 0; i < 2; i++) {
      const res = await deviceInfo();
      assert.equal(res.status, 503);
      assert.deepEqual(await res.json(), { error: "injected_fault", message: "injected 503" });
    }
    assert.equal((await deviceInfo()).status, 200);
    assert.equal(server.pendingFaults(), 0);
    const record = server.requests.findLast((r) => r.fault === "respond");
    assert.equal(record?.status, 503);
  });

  test("respond applies before auth, and to every endpoint; custom bodies", async () => {
    server.injectFault("watch", { kind: "respond", status: 410 });
    const gone = await SseTestClient.open(server.url + WATCH_PATH, {});
    assert.equal(gone.status, 410);
    server.injectFault("viewerDevices", { kind: "respond", status: 500, body: { error: "x" } });
    const res = await fetch(server.url + VIEWER_DEVICES_PATH);
    assert.equal(res.status, 500);
    assert.deepEqual(await res.json(), { error: "x" });
    server.injectFault("deviceInfo", {
      kind: "respond",
      status: 200,
      body: "{not json",
      contentType: "application/json",
    });
    const bad = await deviceInfo();
    assert.equal(bad.status, 200);
    assert.equal(await bad.text(), "{not json");
  });

  test("a 200 non-SSE body on the watch (maintenance page)", async () => {
    server.injectFault("watch", {
      kind: "respond",
      status: 200,
      body: "<html>maintenance</html>",
      contentType: "text/html",
    });
    const client = await watch();
    assert.equal(client.status, 200);
    assert.equal(client.contentType, "text/html");
    assert.equal((await client.nextNonComment()).type, "end");
  });

  test("faults can target one device", async () => {
    server.injectFault("deviceInfo", { kind: "respond", status: 500 }, { deviceId: "someone" });
    assert.equal((await deviceInfo()).status, 200);
    assert.equal(server.pendingFaults("deviceInfo"), 1);
    server.clearFaults("deviceInfo");
    assert.equal(server.pendingFaults(), 0);
  });

  test("delay answers normally after the delay", async () => {
    server.injectFault("deviceInfo", { kind: "delay", ms: 150 });
    const start = performance.now();
    const res = await deviceInfo();
    assert.equal(res.status, 200);
    assert.ok(performance.now() - start >= 140);
  });

  test("hang never answers; reset drops the connection", async () => {
    server.injectFault("deviceInfo", { kind: "hang" });
    await assert.rejects(deviceInfo(AbortSignal.timeout(200)), { name: "TimeoutError" });
    server.injectFault("deviceInfo", { kind: "reset" });
    await assert.rejects(deviceInfo(), TypeError);
  });

  test("withholdHello: SSE headers and keep-alives but no hello, and no lease", async () => {
    server.injectFault("watch", { kind: "withholdHello" });
    const client = await watch();
    try {
      assert.equal(client.status, 200);
      for (let i = 0; i < 3; i++) {
        assert.deepEqual(await client.next(), { type: "comment", text: "keepalive" });
      }
      assert.equal(server.activeLease(TEST_DEVICE.id), undefined);
    } finally {
      client.close();
    }
    server.injectFault("watch", { kind: "withholdHello", keepAlive: false });
    const silent = await watch();
    try {
      await assert.rejects(silent.next(200), /no SSE frame/);
    } finally {
      silent.close();
    }
  });

  test("delayHello: comments first, hello after the delay", async () => {
    server.injectFault("watch", { kind: "delayHello", ms: 200 });
    const start = performance.now();
    const client = await watch();
    try {
      // The lease is taken when the watch is accepted, before the delayed hello.
      assert.equal((await watch()).status, 409);
      assert.equal((await client.next()).type, "comment");
      await client.expectEvent("hello");
      assert.ok(performance.now() - start >= 190);
    } finally {
      client.close();
      server.endLease(TEST_DEVICE.id);
    }
  });

  test("eofBeforeHello and malformedHello", async () => {
    server.injectFault("watch", { kind: "eofBeforeHello" });
    const eof = await watch();
    assert.equal(eof.status, 200);
    assert.equal((await eof.next()).type, "end");
    server.injectFault("watch", { kind: "malformedHello" });
    const bad = await watch();
    try {
      const frame = await bad.nextNonComment();
      assert.equal(frame.type === "event" && frame.event, "hello");
      assert.throws(() => JSON.parse(frame.type === "event" ? frame.data : ""));
    } finally {
      bad.close();
      server.endLease(TEST_DEVICE.id);
    }
  });

  test("stallAfterHello: a hello, then silence", async () => {
    server.injectFault("watch", { kind: "stallAfterHello" });
    const client = await watch();
    try {
      await client.expectEvent("hello");
      await assert.rejects(client.next(250), /no SSE frame/);
    } finally {
      client.close();
      server.endLease(TEST_DEVICE.id);
    }
  });

  test("dropAfterHello: clean end or reset; the lease survives the drop", async () => {
    server.injectFault("watch", { kind: "dropAfterHello" });
    const ended = await watch();
    const lease = (await ended.expectEvent("hello")).watchLeaseId as string;
    assert.equal((await ended.nextNonComment()).type, "end");
    assert.equal(server.activeLease(TEST_DEVICE.id)?.id, lease);
    server.injectFault("watch", { kind: "dropAfterHello", mode: "reset", afterMs: 50 });
    const reset = await SseTestClient.open(
      `${server.url}${WATCH_PATH}?previousWatchLeaseId=${lease}`,
      AUTH,
    );
    await reset.expectEvent("hello");
    assert.equal((await reset.nextNonComment()).type, "error");
    server.endLease(TEST_DEVICE.id);
  });

  test("heartbeat faults: a given status (410), then normal answers", async () => {
    const client = await watch();
    try {
      const lease = (await client.expectEvent("hello")).watchLeaseId as string;
      server.injectFault("heartbeat", { kind: "respond", status: 410 });
      assert.equal((await heartbeat(lease)).status, 410);
      assert.equal((await heartbeat(lease)).status, 200);
      server.injectFault("heartbeat", { kind: "respond", status: 409 });
      assert.equal((await heartbeat(lease)).status, 409);
    } finally {
      client.close();
      server.endLease(TEST_DEVICE.id);
    }
  });

  test("stop() releases hanging and withheld requests", async () => {
    const local = await startApiServer({ devices: [TEST_DEVICE] });
    try {
      local.injectFault("deviceInfo", { kind: "hang" });
      local.injectFault("watch", { kind: "withholdHello" });
      const seen = local.waitFor("request", { filter: (r) => r.fault === "hang" });
      const hanging = fetch(local.url + DEVICE_INFO_PATH, { headers: AUTH });
      const withheld = await SseTestClient.open(local.url + WATCH_PATH, AUTH);
      await seen;
      await local.stop();
      await assert.rejects(hanging);
      assert.equal((await withheld.nextNonComment()).type, "end");
    } finally {
      await local.stop();
    }
  });
});
