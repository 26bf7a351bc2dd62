// The viewer endpoints of the API server: real HTTP, a real SSE client playing the device.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { TokenVerifier } from "livekit-server-sdk";
import {
  startApiServer,
  TEST_DEVICE,
  VIEWER_CONNECT_PATH,
  VIEWER_DEVICES_PATH,
  WATCH_PATH,
} from "../src/api-server/index.js";
import type { ApiServer, ViewerConnectResponse } from "../src/api-server/index.js";
import { SseTestClient } from "./helpers/sseTestClient.js";

const AUTH = { Authorization: `DeviceToken ${TEST_DEVICE.token}` };
const verifier = new TokenVerifier("devkey", "secret");

function connect(server: ApiServer, body: unknown, headers: Record<string, string> = {}) {
  return fetch(server.url + VIEWER_CONNECT_PATH, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

async function dormantDevice(server: ApiServer, query = ""): Promise<SseTestClient> {
  const client = await SseTestClient.open(`${server.url}${WATCH_PATH}${query}`, AUTH);
  await client.expectEvent("hello");
  return client;
}

describe("viewer connect", () => {
  test("wakes a dormant device and returns a viewer token for the same room", async () => {
    await using server = await startApiServer({ devices: [TEST_DEVICE] });
    const device = await dormantDevice(server, "?protocolVersion=2.2.0");
    const res = await connect(server, { device: "test-device", identity: "viewer-1", name: "Ann" });
    assert.equal(res.status, 200);
    const answer = (await res.json()) as ViewerConnectResponse;
    assert.equal(answer.livekitUrl, "ws://127.0.0.1:7880");
    assert.equal(answer.deviceIdentity, "dev_testdevice");
    assert.equal(answer.viewerIdentity, "viewer-1");
    assert.equal(answer.woke, true);
    assert.match(answer.remoteAccessSessionId, /^ras_/);
    const wake = await device.expectEvent("wake");
    assert.equal(wake.remoteAccessSessionId, answer.remoteAccessSessionId);
    const deviceClaims = await verifier.verify(wake.token as string);
    const viewerClaims = await verifier.verify(answer.token);
    assert.equal(deviceClaims.sub, "dev_testdevice");
    assert.equal(deviceClaims.video?.room, answer.room);
    assert.equal(viewerClaims.sub, "viewer-1");
    assert.equal(viewerClaims.name, "Ann");
    assert.equal(viewerClaims.video?.room, answer.room);
    assert.equal(viewerClaims.video?.roomJoin, true);
    assert.equal(viewerClaims.video?.canSubscribe, true);
    assert.equal(viewerClaims.video?.canPublishData, true);
    assert.deepEqual(viewerClaims.attributes, { protocolVersion: "2.2.0" });
    assert.deepEqual(deviceClaims.attributes, { protocolVersion: "2.2.0" });
  });

  test("a second viewer joins the running session without a new wake", async () => {
    await using server = await startApiServer({ devices: [TEST_DEVICE] });
    const device = await dormantDevice(server);
    let wakes = 0;
    server.on("wake", () => wakes++);
    const [a, b] = await Promise.all([
      connect(server, { device: "dev_testdevice" }),
      connect(server, { device: "dev_testdevice" }),
    ]);
    const first = (await a.json()) as ViewerConnectResponse;
    const second = (await b.json()) as ViewerConnectResponse;
    assert.equal(first.room, second.room);
    assert.notEqual(first.viewerIdentity, second.viewerIdentity);
    assert.deepEqual([first.woke, second.woke].sort(), [false, true]);
    assert.equal(wakes, 1);
    await device.expectEvent("wake");
    const list = (await (await fetch(server.url + VIEWER_DEVICES_PATH)).json()) as {
      devices: unknown[];
    };
    assert.deepEqual(list.devices, [
      { id: "dev_testdevice", name: "test-device", phase: "session", room: first.room },
    ]);
  });

  test("a running session is trusted when LiveKit cannot be asked about it", async () => {
    await using server = await startApiServer({
      devices: [TEST_DEVICE],
      livekit: { url: "ws://127.0.0.1:1" },
      sessionJoinGraceMs: 0,
    });
    await dormantDevice(server);
    const first = (await (
      await connect(server, { device: "test-device" })
    ).json()) as ViewerConnectResponse;
    const second = (await (
      await connect(server, { device: "test-device", timeoutMs: 0 })
    ).json()) as ViewerConnectResponse;
    assert.deepEqual([first.woke, second.woke], [true, false]);
    assert.equal(second.room, first.room);
  });

  test("the protocolVersion attribute can be overridden or left out", async () => {
    await using server = await startApiServer({ devices: [TEST_DEVICE] });
    await dormantDevice(server);
    const old = (await (
      await connect(server, { device: "test-device", protocolVersion: "1.0.0" })
    ).json()) as ViewerConnectResponse;
    assert.deepEqual((await verifier.verify(old.token)).attributes, { protocolVersion: "1.0.0" });
    const none = (await (
      await connect(server, { device: "test-device", protocolVersion: null })
    ).json()) as ViewerConnectResponse;
    assert.equal((await verifier.verify(none.token)).attributes, undefined);
  });

  test("an offline device: the request waits for its watch, then wakes it", async () => {
    await using server = await startApiServer({ devices: [TEST_DEVICE] });
    const queued = server.waitFor("viewerWaiting");
    const waiting = connect(server, { device: "test-device", identity: "v-1", timeoutMs: 5000 });
    assert.deepEqual(await queued, { deviceId: "dev_testdevice", viewerIdentity: "v-1" });
    // The viewer request is waiting; the device starts watching only now.
    const device = await SseTestClient.open(server.url + WATCH_PATH, AUTH);
    await device.expectEvent("hello");
    const res = await waiting;
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as ViewerConnectResponse).woke, true);
    await device.expectEvent("wake");
  });

  test("an offline device past the timeout is 503 device_offline", async () => {
    await using server = await startApiServer({ devices: [TEST_DEVICE], viewerWaitMs: 100 });
    const res = await connect(server, { device: "test-device" });
    assert.equal(res.status, 503);
    const body = (await res.json()) as { error: string; message: string };
    assert.equal(body.error, "device_offline");
    assert.match(body.message, /not watching/);
    const now = await connect(server, { device: "test-device", timeoutMs: 0 });
    assert.equal(now.status, 503);
  });

  test("unknown device 404, bad bodies 400, identity of the device 400, wrong method 405", async () => {
    await using server = await startApiServer({ devices: [TEST_DEVICE] });
    const unknown = await connect(server, { device: "nobody", timeoutMs: 0 });
    assert.equal(unknown.status, 404);
    assert.equal(((await unknown.json()) as { error: string }).error, "unknown_device");
    for (const body of ["{", "[]", { device: "" }, { device: "test-device", identity: "a b" }]) {
      const res = await connect(server, body);
      assert.equal(res.status, 400, JSON.stringify(body));
      const parsed = (await res.json()) as { error: string; message: string };
      assert.ok(parsed.message.length > 0);
    }
    const clash = await connect(server, { device: "test-device", identity: "dev_testdevice" });
    assert.equal(clash.status, 400);
    assert.equal((await fetch(server.url + VIEWER_CONNECT_PATH)).status, 405);
    const huge = await connect(server, { device: "x".repeat(20_000) });
    assert.equal(huge.status, 413);
  });

  test("with a viewer key: 401 without it or with a wrong one, 200 with it; never recorded", async () => {
    await using server = await startApiServer({ devices: [TEST_DEVICE], viewerKey: "vk_sekrit" });
    await dormantDevice(server);
    assert.equal((await connect(server, { device: "test-device" })).status, 401);
    const wrong = await connect(
      server,
      { device: "test-device" },
      { Authorization: "Bearer nope" },
    );
    assert.equal(wrong.status, 401);
    assert.equal((await fetch(server.url + VIEWER_DEVICES_PATH)).status, 401);
    const ok = await connect(
      server,
      { device: "test-device" },
      { Authorization: "Bearer vk_sekrit" },
    );
    assert.equal(ok.status, 200);
    const list = await fetch(server.url + VIEWER_DEVICES_PATH, {
      headers: { Authorization: "Bearer vk_sekrit" },
    });
    assert.equal(list.status, 200);
    const text = JSON.stringify(server.requests, (_k, v: unknown) =>
      typeof v === "bigint" ? String(v) : v,
    );
    assert.ok(!text.includes("vk_sekrit"));
    assert.ok(text.includes("Bearer <redacted>"));
  });

  test("CORS: preflight and headers on viewer endpoints only, when configured", async () => {
    await using server = await startApiServer({
      devices: [TEST_DEVICE],
      viewerCorsOrigin: "http://localhost:5173",
    });
    const preflight = await fetch(server.url + VIEWER_CONNECT_PATH, { method: "OPTIONS" });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get("access-control-allow-origin"), "http://localhost:5173");
    assert.equal(preflight.headers.get("access-control-allow-methods"), "POST");
    assert.match(preflight.headers.get("access-control-allow-headers") ?? "", /Authorization/);
    const list = await fetch(server.url + VIEWER_DEVICES_PATH);
    assert.equal(list.headers.get("access-control-allow-origin"), "http://localhost:5173");
    const device = await fetch(server.url + WATCH_PATH, { method: "OPTIONS" });
    assert.equal(device.status, 405);
    assert.equal(device.headers.get("access-control-allow-origin"), null);
    await using plain = await startApiServer({ devices: [TEST_DEVICE] });
    assert.equal((await fetch(plain.url + VIEWER_CONNECT_PATH, { method: "OPTIONS" })).status, 405);
  });

  test("a viewer that leaves while waiting does not wake the device later", async () => {
    await using server = await startApiServer({ devices: [TEST_DEVICE] });
    const abort = new AbortController();
    const queued = server.waitFor("viewerWaiting");
    const seenClose = server.waitFor("request", { filter: (r) => r.endpoint === "viewerConnect" });
    const waiting = fetch(server.url + VIEWER_CONNECT_PATH, {
      method: "POST",
      body: JSON.stringify({ device: "test-device", timeoutMs: 10_000 }),
      signal: abort.signal,
    });
    await queued;
    abort.abort();
    await assert.rejects(waiting);
    assert.equal((await seenClose).status, 0);
    const device = await dormantDevice(server);
    await assert.rejects(device.next(200), /no SSE frame|keepalive/);
    assert.equal(server.devices()[0]?.phase, "dormant");
    device.close();
  });

  test("wakeOnWatch wakes every watch right after hello, like the reference mock", async () => {
    await using server = await startApiServer({ devices: [TEST_DEVICE], wakeOnWatch: true });
    const device = await SseTestClient.open(server.url + WATCH_PATH, AUTH);
    await device.expectEvent("hello");
    const wake = await device.expectEvent("wake");
    assert.equal((await verifier.verify(wake.token as string)).sub, "dev_testdevice");
    const answer = (await (
      await connect(server, { device: "test-device" })
    ).json()) as ViewerConnectResponse;
    assert.equal(answer.woke, false);
    assert.equal(
      (await verifier.verify(answer.token)).video?.room,
      (await verifier.verify(wake.token as string)).video?.room,
    );
  });
});
