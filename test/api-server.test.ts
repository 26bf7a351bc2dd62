// Device endpoints of the API server over real HTTP and a real SSE client.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { TokenVerifier } from "livekit-server-sdk";
import {
  HEARTBEAT_PATH,
  startApiServer,
  TEST_DEVICE,
  WATCH_PATH,
  DEVICE_INFO_PATH,
} from "../src/api-server/index.js";
import type { ApiServer } from "../src/api-server/index.js";
import { SseTestClient } from "./helpers/sseTestClient.js";

const AUTH = { Authorization: `DeviceToken ${TEST_DEVICE.token}` };
const OTHER = { id: "dev_other", name: "other", token: "fox_dt_other" };

function watch(server: ApiServer, query = "", headers: Record<string, string> = AUTH) {
  return SseTestClient.open(`${server.url}${WATCH_PATH}${query}`, headers);
}

function heartbeat(server: ApiServer, body: unknown, headers: Record<string, string> = AUTH) {
  return fetch(server.url + HEARTBEAT_PATH, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

async function hello(client: SseTestClient): Promise<string> {
  const data = await client.expectEvent("hello");
  return data.watchLeaseId as string;
}

describe("device endpoints", () => {
  let server: ApiServer;
  before(async () => {
    server = await startApiServer({
      devices: [TEST_DEVICE, OTHER],
      heartbeatIntervalMs: 1000,
      deviceWaitForViewerMs: 7000,
      keepAliveIntervalMs: 50,
    });
  });
  after(() => server.stop());

  test("device-info answers the device, 401 without a valid DeviceToken", async () => {
    const ok = await fetch(server.url + DEVICE_INFO_PATH, { headers: AUTH });
    assert.equal(ok.status, 200);
    assert.deepEqual(await ok.json(), {
      id: "dev_testdevice",
      name: "test-device",
      projectId: "prj_testproj",
      retainRecordingsSeconds: 3600,
    });
    const other = await fetch(server.url + DEVICE_INFO_PATH, {
      headers: { Authorization: "devicetoken fox_dt_other" },
    });
    assert.deepEqual(await other.json(), {
      id: "dev_other",
      name: "other",
      projectId: "prj_local",
      retainRecordingsSeconds: null,
    });
    const denied: Record<string, string>[] = [
      {},
      { Authorization: "DeviceToken fox_dt_wrong" },
      { Authorization: `Bearer ${TEST_DEVICE.token}` },
      { Authorization: TEST_DEVICE.token },
    ];
    for (const headers of denied) {
      const res = await fetch(server.url + DEVICE_INFO_PATH, { headers });
      assert.equal(res.status, 401);
      const body = (await res.json()) as { error: string; message: string };
      assert.equal(body.error, "unauthorized");
      assert.ok(!JSON.stringify(body).includes("fox_dt"));
    }
  });

  test("watch: SSE headers, hello with lease and timings, keep-alive comments", async () => {
    const client = await watch(server, "?protocolVersion=2.2.0");
    try {
      assert.equal(client.status, 200);
      assert.equal(client.contentType?.split(";")[0], "text/event-stream");
      const data = await client.expectEvent("hello");
      assert.match(data.watchLeaseId as string, /^rwl_/);
      assert.equal(data.heartbeatIntervalMs, 1000);
      assert.equal(data.deviceWaitForViewerMs, 7000);
      assert.deepEqual(await client.next(), { type: "comment", text: "keepalive" });
      assert.equal(server.activeLease("test-device")?.id, data.watchLeaseId);
      assert.deepEqual(
        server.devices().find((d) => d.id === "dev_testdevice"),
        { id: "dev_testdevice", name: "test-device", phase: "dormant", room: undefined },
      );
    } finally {
      client.close();
    }
    await server.waitFor("watchClosed", { filter: (e) => e.deviceId === "dev_testdevice" });
    assert.equal(server.devices().find((d) => d.id === "dev_testdevice")?.phase, "offline");
    server.endLease(TEST_DEVICE.id);
  });

  test("watch: 401 without auth; 409 while another open watch holds the lease", async () => {
    const denied = await watch(server, "", {});
    assert.equal(denied.status, 401);
    const first = await watch(server);
    try {
      const lease = await hello(first);
      const second = await watch(server);
      assert.equal(second.status, 409);
      const wrongLease = await watch(server, "?previousWatchLeaseId=rwl_not_mine");
      assert.equal(wrongLease.status, 409);
      assert.equal(server.activeLease(TEST_DEVICE.id)?.id, lease);
    } finally {
      first.close();
      server.endLease(TEST_DEVICE.id);
    }
  });

  test("previousWatchLeaseId hands the lease over; the old stream ends, its lease is gone", async () => {
    const first = await watch(server);
    const lease1 = await hello(first);
    const second = await watch(server, `?previousWatchLeaseId=${lease1}`);
    try {
      assert.equal(second.status, 200);
      const lease2 = await hello(second);
      assert.notEqual(lease2, lease1);
      assert.equal((await first.nextNonComment()).type, "end");
      assert.equal((await heartbeat(server, { watchLeaseId: lease1 })).status, 410);
      assert.equal((await heartbeat(server, { watchLeaseId: lease2 })).status, 200);
      const record = server.requests.findLast((r) => r.endpoint === "watch");
      assert.equal(record?.query.previousWatchLeaseId, lease1);
    } finally {
      second.close();
      server.endLease(TEST_DEVICE.id);
    }
  });

  test("a new watch after the holder's stream closed supersedes it: the old lease gets 409", async () => {
    const first = await watch(server);
    const lease1 = await hello(first);
    const closed = server.waitFor("watchClosed", { filter: (e) => e.leaseId === lease1 });
    first.close();
    await closed;
    const second = await watch(server);
    try {
      const lease2 = await hello(second);
      assert.equal((await heartbeat(server, { watchLeaseId: lease1 })).status, 409);
      assert.equal((await heartbeat(server, { watchLeaseId: lease2 })).status, 200);
    } finally {
      second.close();
      server.endLease(TEST_DEVICE.id);
    }
  });

  test("heartbeat: 200 renews, 400 on bad bodies, 401 without auth, 410 unknown lease", async () => {
    const client = await watch(server);
    try {
      const lease = await hello(client);
      const before = server.activeLease(TEST_DEVICE.id)!.expiresAt;
      const ok = await heartbeat(server, { watchLeaseId: lease });
      assert.equal(ok.status, 200);
      assert.ok(server.activeLease(TEST_DEVICE.id)!.expiresAt > before);
      const record = server.requests.findLast((r) => r.endpoint === "heartbeat");
      assert.equal(record?.watchLeaseId, lease);
      assert.equal(record?.status, 200);
      for (const body of ["{", "", "[]", "null", { watchLeaseId: 5 }, { watchLeaseId: "" }, {}]) {
        const res = await heartbeat(server, body);
        assert.equal(res.status, 400, `body ${JSON.stringify(body)}`);
        assert.ok(
          ["bad_json", "bad_request"].includes(((await res.json()) as { error: string }).error),
        );
      }
      assert.equal((await heartbeat(server, { watchLeaseId: lease }, {})).status, 401);
      // The other device has no lease: any lease id is gone for it.
      const other = { Authorization: "DeviceToken fox_dt_other" };
      assert.equal((await heartbeat(server, { watchLeaseId: lease }, other)).status, 410);
      // This device has an active lease: a foreign id is a conflict.
      assert.equal((await heartbeat(server, { watchLeaseId: "rwl_x" })).status, 409);
    } finally {
      client.close();
      server.endLease(TEST_DEVICE.id);
    }
  });

  test("wake: a verifiable device token with the watch's protocolVersion; the stream ends", async () => {
    const client = await watch(server, "?protocolVersion=2.3.0&remoteAccessSessionId=ras_given");
    const lease = await hello(client);
    const info = await server.wake("test-device", { room: "room-x" });
    assert.deepEqual(info, {
      deviceId: "dev_testdevice",
      room: "room-x",
      remoteAccessSessionId: "ras_given",
      url: "ws://127.0.0.1:7880",
    });
    const wake = await client.expectEvent("wake");
    assert.equal(wake.url, "ws://127.0.0.1:7880");
    assert.equal(wake.remoteAccessSessionId, "ras_given");
    const claims = await new TokenVerifier("devkey", "secret").verify(wake.token as string);
    assert.equal(claims.sub, "dev_testdevice");
    assert.equal(claims.video?.room, "room-x");
    assert.equal(claims.video?.canPublish, true);
    assert.deepEqual(claims.attributes, { protocolVersion: "2.3.0" });
    assert.equal((await client.nextNonComment()).type, "end");
    // A heartbeat already in flight when the wake went out still gets 200, so it cannot race the
    // wake with a 410.
    assert.equal((await heartbeat(server, { watchLeaseId: lease })).status, 200);
    assert.equal(server.devices().find((d) => d.id === TEST_DEVICE.id)?.phase, "session");
    // The device comes back to watch without the lease: the woken lease ends, a new one starts.
    const ended = server.waitFor("leaseEnded", { filter: (e) => e.id === lease });
    const again = await watch(server);
    try {
      assert.equal(again.status, 200);
      const lease2 = await hello(again);
      assert.equal((await ended).reason, "woken");
      assert.equal(server.devices().find((d) => d.id === TEST_DEVICE.id)?.phase, "dormant");
      assert.equal((await heartbeat(server, { watchLeaseId: lease2 })).status, 200);
    } finally {
      again.close();
      server.endLease(TEST_DEVICE.id);
    }
  });

  test("wake of a device that is not watching is a typed error", async () => {
    await assert.rejects(server.wake("other"), { code: "ERR_API", error: "device_not_watching" });
    assert.throws(() => server.dropWatch("nobody"), { code: "ERR_API", error: "unknown_device" });
  });

  test("controls: raw events and comments, stall, drop (end and reset)", async () => {
    const client = await watch(server);
    try {
      await hello(client);
      server.stallWatch(TEST_DEVICE.id);
      assert.equal(server.sendComment("test-device", "hi"), true);
      for (;;) {
        const frame = await client.next();
        if (frame.type === "comment" && frame.text === "hi") break;
        assert.deepEqual(frame, { type: "comment", text: "keepalive" });
      }
      // Stalled: no keep-alive follows (they came every 50 ms before).
      await assert.rejects(client.next(300), /no SSE frame/);
      assert.equal(server.sendEvent("test-device", "wake", "{not json"), true);
      assert.deepEqual(await client.next(), { type: "event", event: "wake", data: "{not json" });
      assert.equal(server.dropWatch("test-device", "reset"), true);
      const end = await client.next();
      assert.equal(end.type, "error");
      assert.equal(server.dropWatch("test-device"), false);
      assert.ok(server.activeLease(TEST_DEVICE.id), "dropping a stream keeps its lease");
    } finally {
      client.close();
      server.endLease(TEST_DEVICE.id);
    }
    const clean = await watch(server);
    await hello(clean);
    assert.equal(server.dropWatch("test-device", "end"), true);
    assert.equal((await clean.nextNonComment()).type, "end");
    server.endLease(TEST_DEVICE.id);
  });

  test("the request record redacts tokens and keeps method, path, query, status, time", async () => {
    server.clearRequests();
    const t0 = BigInt(Date.now()) * 1_000_000n - 1_000_000_000n;
    await fetch(`${server.url}${DEVICE_INFO_PATH}?token=abc`, {
      headers: { ...AUTH, "User-Agent": "foxglove-remote/test" },
    });
    await fetch(server.url + DEVICE_INFO_PATH, { headers: { Authorization: "DeviceToken nope" } });
    const records = server.requests;
    assert.equal(records.length, 2);
    const [a, b] = records;
    assert.equal(a?.method, "GET");
    assert.equal(a?.path, DEVICE_INFO_PATH);
    assert.deepEqual(a?.query, { token: "<redacted>" });
    assert.equal(a?.status, 200);
    assert.equal(a?.deviceId, "dev_testdevice");
    assert.equal(a?.authorization, "DeviceToken <redacted>");
    assert.equal(a?.userAgent, "foxglove-remote/test");
    assert.ok(a !== undefined && a.timeNs > t0);
    assert.equal(b?.status, 401);
    assert.equal(b?.deviceId, undefined);
    const text = JSON.stringify(records, (_k, v: unknown) =>
      typeof v === "bigint" ? String(v) : v,
    );
    assert.ok(!text.includes(TEST_DEVICE.token) && !text.includes("nope") && !text.includes("abc"));
  });
});

describe("lease expiry", () => {
  test("with real time: no heartbeats past the ttl ends the lease and the stream; then 410", async () => {
    await using server = await startApiServer({ devices: [TEST_DEVICE], leaseTtlMs: 150 });
    const client = await watch(server);
    const lease = await hello(client);
    const ended = await server.waitFor("leaseEnded", { filter: (e) => e.id === lease });
    assert.equal(ended.reason, "expired");
    assert.equal((await client.nextNonComment()).type, "end");
    assert.equal((await heartbeat(server, { watchLeaseId: lease })).status, 410);
    // The device reconnects with its old lease: granted (the old one is no longer active).
    const again = await watch(server, `?previousWatchLeaseId=${lease}`);
    assert.equal(again.status, 200);
    await hello(again);
    again.close();
  });

  test("with an injected clock: heartbeats renew, a missed ttl expires on check", async () => {
    let now = 1_000_000_000_000n;
    const ms = 1_000_000n;
    await using server = await startApiServer({
      devices: [TEST_DEVICE],
      heartbeatIntervalMs: 1000,
      leaseTtlMs: 3000,
      clock: () => now,
    });
    const client = await watch(server);
    const lease = await hello(client);
    now += 2500n * ms;
    assert.equal((await heartbeat(server, { watchLeaseId: lease })).status, 200);
    now += 2500n * ms;
    server.checkLeases();
    assert.equal(server.activeLease(TEST_DEVICE.id)?.id, lease, "renewed at +2.5 s, alive at +5 s");
    now += 600n * ms;
    const ended = server.waitFor("leaseEnded");
    server.checkLeases();
    assert.equal((await ended).reason, "expired");
    assert.equal((await client.nextNonComment()).type, "end");
    assert.equal((await heartbeat(server, { watchLeaseId: lease })).status, 410);
  });
});

describe("robustness", () => {
  test("unknown paths 404, wrong methods 405, huge bodies 413, bad requests never crash", async () => {
    await using server = await startApiServer({ devices: [TEST_DEVICE] });
    const missing = await fetch(server.url + "/nope");
    assert.equal(missing.status, 404);
    assert.equal(((await missing.json()) as { error: string }).error, "not_found");
    const wrong = await fetch(server.url + WATCH_PATH, { method: "POST", headers: AUTH });
    assert.equal(wrong.status, 405);
    assert.equal(wrong.headers.get("allow"), "GET");
    assert.equal((await fetch(server.url + HEARTBEAT_PATH, { headers: AUTH })).status, 405);
    const huge = await heartbeat(server, JSON.stringify({ watchLeaseId: "x".repeat(100_000) }));
    assert.equal(huge.status, 413);
    assert.equal(((await huge.json()) as { error: string }).error, "body_too_large");
    const invalidUtf8 = await fetch(server.url + HEARTBEAT_PATH, {
      method: "POST",
      headers: AUTH,
      body: new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]),
    });
    assert.equal(invalidUtf8.status, 400);
    const longQuery = await watch(server, `?previousWatchLeaseId=${"x".repeat(300)}`);
    assert.equal(longQuery.status, 400);
    // A raw malformed request line gets a 400 from the HTTP layer, and the server lives on.
    const net = await import("node:net");
    const reply = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(server.port, "127.0.0.1", () => socket.write("BLAH\r\n\r\n"));
      let text = "";
      socket.on("data", (d: Buffer) => (text += d.toString()));
      socket.on("close", () => resolve(text));
      socket.on("error", reject);
    });
    assert.match(reply, /^HTTP\/1\.1 400/);
    assert.equal((await fetch(server.url + DEVICE_INFO_PATH, { headers: AUTH })).status, 200);
  });

  test("fuzz: random bodies, methods and paths get JSON 4xx answers and never crash it", async () => {
    await using server = await startApiServer({ devices: [TEST_DEVICE] });
    let seed = 12345;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const paths = [HEARTBEAT_PATH, "/viewer/v1/connect", WATCH_PATH, DEVICE_INFO_PATH, "/x/../y"];
    const samples = ['{"watchLeaseId":', '{"device":', "[", "null", '"', "{}", "\u0000", "1e999"];
    for (let i = 0; i < 150; i++) {
      const bytes = new Uint8Array(rand(64));
      for (let j = 0; j < bytes.length; j++) bytes[j] = rand(256);
      const body = rand(2) === 0 ? bytes : samples[rand(samples.length)]! + "x".repeat(rand(40));
      const method = ["POST", "PUT", "DELETE", "PATCH"][rand(4)]!;
      const res = await fetch(server.url + paths[rand(paths.length)]!, {
        method,
        headers: rand(2) === 0 ? AUTH : { Authorization: "DeviceToken" },
        body,
      });
      assert.ok(res.status >= 400 && res.status < 500, `status ${res.status}`);
      const answer = (await res.json()) as { error: unknown; message: unknown };
      assert.equal(typeof answer.error, "string");
      assert.equal(typeof answer.message, "string");
    }
    assert.equal((await fetch(server.url + DEVICE_INFO_PATH, { headers: AUTH })).status, 200);
  });

  test("stop() ends open watch streams and frees the port; an aborted signal stops it too", async () => {
    const abort = new AbortController();
    const server = await startApiServer({ devices: [TEST_DEVICE], signal: abort.signal });
    const client = await watch(server);
    await hello(client);
    abort.abort();
    assert.equal((await client.nextNonComment()).type, "end");
    await server.stop();
    await assert.rejects(fetch(server.url + DEVICE_INFO_PATH, { headers: AUTH }));
    await server.stop(); // idempotent
  });

  test("a port in use is ERR_BIND", async () => {
    await using first = await startApiServer();
    await assert.rejects(startApiServer({ port: first.port }), { code: "ERR_BIND" });
  });
});
