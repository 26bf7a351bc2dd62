import assert from "node:assert/strict";
import { createServer, type Server, type Socket } from "node:net";
import { setTimeout as delay } from "node:timers/promises";
import { after, before, describe, test } from "node:test";
import { RoomServiceClient } from "livekit-server-sdk";
import { TEST_DEVICE } from "../src/api-server/index.js";
import { Context } from "../src/core/Context.js";
import { RawChannel } from "../src/core/RawChannel.js";
import { nowNanos } from "../src/core/time.js";
import { connectViewer } from "../src/viewer/index.js";
import { nativeLeaseCount } from "../src/livekit/native.js";
import {
  shutdownLiveKit,
  type LiveKitRoom,
  type RemoteParticipantInfo,
} from "../src/livekit/index.js";
import { FAST_TIMINGS, startGatewayHarness } from "./helpers/gatewayHarness.js";
import { startLiveKitServer, type TestLiveKitServer } from "./helpers/livekitServer.js";

// The gateway's wake → LiveKit join → session → dormant cycle against a real livekit-server and
// the real API server (which mints the device's LiveKit tokens).

let lk: TestLiveKitServer;
before(async () => {
  lk = await startLiveKitServer("gateway");
});
after(async () => {
  await lk?.stop();
  // A join abandoned by a stop still holds the native layer until LiveKit gives up on it.
  const deadline = performance.now() + 30_000;
  while (nativeLeaseCount() > 0 && performance.now() < deadline) {
    await delay(20);
  }
  await shutdownLiveKit(); // lets the test process end
});

const livekit = () => ({ url: lk.url, apiKey: lk.apiKey, apiSecret: lk.apiSecret });
const msSince = (ns: bigint) => Number(nowNanos() - ns) / 1e6;

/** Joins `room` as a viewer that records when the device becomes active and when it leaves. */
async function viewer(room: string, identity = "viewer-1") {
  const events: { kind: "active" | "left"; p: RemoteParticipantInfo }[] = [];
  const waiters = new Set<() => void>();
  const poke = () => waiters.forEach((w) => w());
  const rtc: LiveKitRoom = await lk.join(room, identity, {
    attributes: { protocolVersion: "2.2.0" },
    listener: {
      onParticipantActive: (p) => {
        events.push({ kind: "active", p });
        poke();
      },
      onParticipantDisconnected: (p) => {
        events.push({ kind: "left", p });
        poke();
      },
    },
  });
  const waitFor = (kind: "active" | "left", timeoutMs = 15_000) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (events.some((e) => e.kind === kind && e.p.identity === TEST_DEVICE.id)) {
          clearTimeout(timer);
          waiters.delete(check);
          resolve();
        }
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`viewer: device never ${kind}`));
      }, timeoutMs);
      waiters.add(check);
      check();
    });
  return { rtc, waitFor };
}

describe("gateway wake and LiveKit session", () => {
  test("happy path: wake, join, a viewer sees the device, status connected; stop tears down", async () => {
    await using h = await startGatewayHarness({
      server: { livekit: livekit(), heartbeatIntervalMs: 1000 },
    });
    await h.gateway.waitForStatus("connected");
    const wake = await h.server.wake(TEST_DEVICE.id);
    const v = await viewer(wake.room);
    try {
      await v.waitFor("active");
      assert.equal(h.gateway.connectionStatus, "connected");
      assert.equal(h.gateway.remoteAccessSessionId, wake.remoteAccessSessionId);
      // In a session no watch is open and no heartbeat is sent.
      const watches = h.watches().length;
      const beats = h.heartbeats().length;
      assert.equal(h.server.activeLease(TEST_DEVICE.id), undefined);
      await h.gateway.stop();
      await v.waitFor("left");
      assert.deepEqual(h.statuses, ["connecting", "connected", "shuttingDown", "shutdown"]);
      assert.equal(h.watches().length, watches);
      assert.equal(h.heartbeats().length, beats);
    } finally {
      await v.rtc.close();
    }
  });

  test("the default session serves the options' Context; publishStatus reaches the viewer", async () => {
    const context = new Context();
    const channel = new RawChannel("/gateway/test", { context, messageEncoding: "json" });
    await using h = await startGatewayHarness({
      server: { livekit: livekit(), heartbeatIntervalMs: 1000 },
      gateway: {
        name: "r2",
        context,
        capabilities: ["clientPublish"],
        supportedEncodings: ["json"],
        serverInfo: { site: "lab" },
        iceServers: lk.iceServers,
      },
    });
    await h.gateway.waitForStatus("connected");
    const v = await connectViewer({
      apiUrl: h.server.url,
      device: TEST_DEVICE.id,
      iceServers: lk.iceServers,
    });
    try {
      assert.equal(v.serverInfo?.name, "r2");
      assert.ok(v.serverInfo?.capabilities.includes("clientPublish"));
      assert.deepEqual(v.serverInfo?.supportedEncodings, ["json"]);
      assert.equal(v.serverInfo?.metadata?.site, "lab");
      assert.equal(v.serverInfo?.sessionId, h.gateway.remoteAccessSessionId);
      await v.waitForChannel("/gateway/test");
      const status = new Promise<string>((resolve) => v.on("status", (st) => resolve(st.message)));
      h.gateway.publishStatus({ level: "warning", message: "battery low", id: "bat" });
      assert.equal(await status, "battery low");
      const removed = new Promise<readonly string[]>((resolve) => v.on("removeStatus", resolve));
      h.gateway.removeStatus(["bat"]);
      assert.deepEqual(await removed, ["bat"]);
      assert.deepEqual(h.statuses, ["connecting", "connected"]);
    } finally {
      await v.close();
      channel.close();
      context.close();
    }
  });

  test("a session idle past the viewer wait returns to dormant with the session ID", async () => {
    await using h = await startGatewayHarness({
      server: { livekit: livekit(), heartbeatIntervalMs: 1000, deviceWaitForViewerMs: 400 },
    });
    await h.gateway.waitForStatus("connected");
    const wake = await h.server.wake(TEST_DEVICE.id);
    const wokeAt = nowNanos();
    await h.until("a second watch", () => h.watches().length >= 2, 15_000);
    const second = h.watches()[1]!;
    const idle = Number(second.timeNs - wokeAt) / 1e6;
    assert.ok(idle >= 400, `returned to dormant after ${idle} ms, before the 400 ms wait`);
    assert.deepEqual(second.query, {
      protocolVersion: "2.3.0",
      remoteAccessSessionId: wake.remoteAccessSessionId,
    });
    await h.until("dormant again", () => h.server.activeLease(TEST_DEVICE.id) !== undefined);
    assert.deepEqual(h.statuses, ["connecting", "connected"]);
  });

  test("a viewer keeps the session; once it leaves, the wait runs out and the device goes dormant", async () => {
    await using h = await startGatewayHarness({
      // Longer than the ~3 s a participant takes to become active on this loopback setup.
      server: { livekit: livekit(), heartbeatIntervalMs: 1000, deviceWaitForViewerMs: 4500 },
    });
    await h.gateway.waitForStatus("connected");
    const wake = await h.server.wake(TEST_DEVICE.id);
    const joinedAt = nowNanos();
    const v = await viewer(wake.room);
    await v.waitFor("active");
    // Observe, past the wait, that the device stays while the viewer is present.
    await delay(Math.max(0, 5000 - msSince(joinedAt)));
    assert.equal(h.watches().length, 1, "left the room although a viewer was there");
    const leftAt = nowNanos();
    await v.rtc.close();
    await h.until("a second watch", () => h.watches().length >= 2, 15_000);
    const after = Number(h.watches()[1]!.timeNs - leftAt) / 1e6;
    assert.ok(after >= 4450, `returned ${after} ms after the viewer left`);
    assert.deepEqual(h.statuses, ["connecting", "connected"]);
  });

  test("bad wake credentials: the failed join backs off, doubling, before the next watch", async () => {
    await using h = await startGatewayHarness({
      server: { livekit: livekit(), heartbeatIntervalMs: 1000 },
      gateway: { timings: { ...FAST_TIMINGS, initialBackoffMs: 300, maxBackoffMs: 5000 } },
    });
    await h.gateway.waitForStatus("connected");
    const gaps: number[] = [];
    for (let i = 1; i <= 2; i++) {
      await h.until(`watch ${i} open`, () => h.server.activeLease(TEST_DEVICE.id) !== undefined);
      await h.server.wake(TEST_DEVICE.id, { token: "not-a-livekit-token" });
      const wokeAt = nowNanos();
      await h.until(`watch ${i + 1}`, () => h.watches().length >= i + 1, 15_000);
      gaps.push(Number(h.watches()[i]!.timeNs - wokeAt) / 1e6);
      await h.until(`connected ${i + 1}`, () => h.statuses.length === 2 * (i + 1));
    }
    assert.ok(gaps[0]! >= 300, `first join failure waited ${gaps[0]} ms`);
    assert.ok(gaps[1]! >= 600, `second join failure waited ${gaps[1]} ms`);
    assert.deepEqual(h.statuses, [
      "connecting",
      "connected",
      "connecting",
      "connected",
      "connecting",
      "connected",
    ]);
    assert.equal(h.gateway.connectionStatus, "connected");
  });

  test("the room ending on the server side returns the gateway to dormant", async () => {
    await using h = await startGatewayHarness({
      server: { livekit: livekit(), heartbeatIntervalMs: 1000 },
    });
    await h.gateway.waitForStatus("connected");
    const wake = await h.server.wake(TEST_DEVICE.id);
    const v = await viewer(wake.room);
    try {
      await v.waitFor("active");
      const rooms = new RoomServiceClient(lk.url.replace(/^ws/, "http"), lk.apiKey, lk.apiSecret);
      await rooms.deleteRoom(wake.room);
      await h.until("a second watch", () => h.watches().length >= 2, 15_000);
      assert.equal(h.watches()[1]!.query.remoteAccessSessionId, wake.remoteAccessSessionId);
      assert.deepEqual(h.statuses, ["connecting", "connected"]);
    } finally {
      await v.rtc.close();
    }
  });

  test("stop() during a LiveKit join that hangs ends in shutdown at once", async () => {
    const sockets: Socket[] = [];
    let attempted!: () => void;
    const joinAttempted = new Promise<void>((r) => (attempted = r));
    const black: Server = createServer((s) => {
      sockets.push(s); // accepts, never answers
      attempted();
    });
    await new Promise<void>((r) => black.listen(0, "127.0.0.1", r));
    const port = (black.address() as { port: number }).port;
    try {
      await using h = await startGatewayHarness({
        server: { livekit: livekit(), heartbeatIntervalMs: 1000 },
      });
      await h.gateway.waitForStatus("connected");
      await h.server.wake(TEST_DEVICE.id, { url: `ws://127.0.0.1:${port}` });
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        joinAttempted,
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error("the gateway never tried to join")), 10_000);
        }),
      ]).finally(() => clearTimeout(timer));
      const started = performance.now();
      await h.gateway.stop();
      assert.ok(performance.now() - started < 1000, "stop during join took too long");
      assert.deepEqual(h.statuses, ["connecting", "connected", "shuttingDown", "shutdown"]);
    } finally {
      sockets.forEach((s) => s.destroy());
      await new Promise<void>((r) => black.close(() => r()));
    }
  });
});
