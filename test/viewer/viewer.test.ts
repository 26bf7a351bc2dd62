// The viewer library against the real stack: livekit-server, the project's API server (viewer
// endpoint, wake), and a gateway running the session over a Context.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { RawChannel } from "../../src/core/RawChannel.js";
import { startApiServer, TEST_DEVICE } from "../../src/api-server/index.js";
import { connectViewer, type ViewerMessage } from "../../src/viewer/index.js";
import { startDeviceStack, type DeviceStack } from "../helpers/deviceStack.js";
import { EventLog, within } from "../helpers/EventLog.js";
import { startLiveKitServer, type TestLiveKitServer } from "../helpers/livekitServer.js";

const text = (s: string) => new TextEncoder().encode(s);
const str = (b: Uint8Array) => new TextDecoder().decode(b);

/** Reads `n` messages from a subscription, failing after `ms`. */
async function take(sub: AsyncIterable<ViewerMessage>, n: number, ms = 10_000) {
  const it = sub[Symbol.asyncIterator]();
  const out: ViewerMessage[] = [];
  return await within(
    (async () => {
      while (out.length < n) {
        const r = await it.next();
        if (r.done === true) break;
        out.push(r.value);
      }
      return out;
    })(),
    ms,
    `${n} messages`,
  );
}

let livekit: TestLiveKitServer;
let stack: DeviceStack;
const deviceEvents = new EventLog<string>();
let reliable: RawChannel;
let lossy: RawChannel;

before(async () => {
  livekit = await startLiveKitServer("viewer");
  stack = await startDeviceStack(livekit, {
    qosClassifier: (ch) => ({ reliability: ch.topic.startsWith("/rel") ? "reliable" : "lossy" }),
    listener: {
      onSubscribe: (c, ch) => deviceEvents.push(`sub ${c.identity} ${ch.topic}`),
      onUnsubscribe: (c, ch) => deviceEvents.push(`unsub ${c.identity} ${ch.topic}`),
    },
  });
  reliable = new RawChannel("/rel/battery", { context: stack.context, messageEncoding: "json" });
  lossy = new RawChannel("/imu", { context: stack.context, messageEncoding: "json" });
});
after(async () => {
  await stack?.close();
  await livekit?.stop();
});

describe("against a gateway woken through the API server", () => {
  test("connect wakes the device and yields its server info and channels", async () => {
    const serverInfos = new EventLog<string>();
    const viewer = await stack.connect({
      identity: "viewer-info",
      listener: { serverInfo: (info) => serverInfos.push(info.name) },
    });
    assert.equal(viewer.serverInfo?.name, TEST_DEVICE.name);
    assert.match(viewer.serverInfo?.sessionId ?? "", /^ras_/);
    assert.equal(viewer.deviceIdentity, TEST_DEVICE.id);
    assert.equal(viewer.identity, "viewer-info");
    assert.deepEqual(serverInfos.items, [TEST_DEVICE.name]);
    const imu = await viewer.waitForChannel("/imu", { timeoutMs: 5000 });
    assert.equal(imu.reliable, false);
    assert.equal((await viewer.waitForChannel("/rel/battery")).reliable, true);
    assert.deepEqual(
      viewer.channels.map((c) => c.topic),
      ["/rel/battery", "/imu"],
    );
    await viewer.close();
  });

  test("reliable messages arrive in order on the control stream", async () => {
    const viewer = await stack.connect({ identity: "viewer-rel" });
    const sub = viewer.subscribe("/rel/battery");
    await deviceEvents.waitFor((e) => e === "sub viewer-rel /rel/battery");
    const n = 300;
    for (let i = 0; i < n; i++) {
      reliable.log(text(JSON.stringify({ i })), { logTime: 1_000_000n + BigInt(i) });
    }
    const got = await take(sub, n);
    assert.deepEqual(
      got.map((m) => (JSON.parse(str(m.data)) as { i: number }).i),
      [...Array(n).keys()],
    );
    assert.deepEqual(
      got.map((m) => m.logTime),
      [...Array(n).keys()].map((i) => 1_000_000n + BigInt(i)),
    );
    assert.ok(got.every((m) => m.source === "controlStream" && m.channel.topic === "/rel/battery"));
    assert.equal(sub.dropped, 0);
    await viewer.close();
  });

  test("lossy messages arrive on the data track with their log times; unsubscribe stops them", async () => {
    const viewer = await stack.connect({ identity: "viewer-lossy" });
    const sub = viewer.subscribe("/imu");
    await deviceEvents.waitFor((e) => e === "sub viewer-lossy /imu");
    // Data tracks are lossy and the subscription takes a moment on the LiveKit side: keep logging
    // until enough frames have arrived.
    let i = 0;
    const pump = setInterval(() => {
      for (let k = 0; k < 5; k++, i++) {
        lossy.log(text(JSON.stringify({ i })), { logTime: 5_000_000_000n + BigInt(i) });
      }
    }, 10);
    let got: ViewerMessage[];
    try {
      got = await take(sub, 20);
    } finally {
      clearInterval(pump);
    }
    for (const m of got) {
      const { i: sent } = JSON.parse(str(m.data)) as { i: number };
      assert.equal(m.logTime, 5_000_000_000n + BigInt(sent));
      assert.equal(m.source, "dataTrack");
      assert.equal(typeof m.sequence, "number");
    }
    const sequences = got.map((m) => m.sequence!);
    assert.ok(
      sequences.every((s, k) => k === 0 || s > sequences[k - 1]!),
      `sequences increase: ${sequences.join(",")}`,
    );
    sub.unsubscribe();
    await deviceEvents.waitFor((e) => e === "unsub viewer-lossy /imu");
    assert.equal(lossy.hasSinks(), false);
    assert.deepEqual(viewer.subscriptions, []);
    assert.equal((await sub[Symbol.asyncIterator]().next()).done, true);
    await viewer.close();
  });

  test("a topic subscription picks up a channel advertised later and follows it away", async () => {
    const viewer = await stack.connect({ identity: "viewer-late" });
    const byTopic = viewer.subscribe("/late");
    const late = new RawChannel("/late", { context: stack.context, messageEncoding: "json" });
    const channel = await viewer.waitForChannel("/late");
    const byId = viewer.subscribe(channel);
    await deviceEvents.waitFor((e) => e === "sub viewer-late /late");
    const pump = setInterval(() => late.log(text("{}")), 10);
    try {
      await take(byTopic, 1);
      await take(byId, 1);
    } finally {
      clearInterval(pump);
    }
    const gone = new EventLog<number>();
    viewer.on("channels", (_list, change) => change.removed.forEach((c) => gone.push(c.id)));
    late.close();
    await gone.waitFor((id) => id === channel.id);
    assert.equal(byId.active, false);
    assert.equal(byTopic.active, true);
    assert.deepEqual(byTopic.channels, []);
    await viewer.close();
    assert.equal(byTopic.active, false);
  });

  test("status messages, ping and close", async () => {
    const statuses = new EventLog<string>();
    const viewer = await stack.connect({
      identity: "viewer-status",
      listener: {
        status: (s) => statuses.push(`${s.level} ${s.message}`),
        removeStatus: (ids) => statuses.push(`remove ${ids.join(",")}`),
      },
    });
    stack.gateway.publishStatus({ level: "warning", message: "battery low", id: "bat" });
    await statuses.waitFor((s) => s === "1 battery low");
    assert.deepEqual(
      viewer.statuses.map((s) => s.id),
      ["bat"],
    );
    stack.gateway.removeStatus(["bat"]);
    await statuses.waitFor((s) => s === "remove bat");
    assert.deepEqual(viewer.statuses, []);

    const rtt = await viewer.ping();
    assert.ok(rtt > 0 && rtt < 5000, `rtt ${rtt}`);
    const rtts = await Promise.all([viewer.ping(), viewer.ping(), viewer.ping()]);
    assert.equal(rtts.length, 3);

    const sub = viewer.subscribe("/imu");
    await deviceEvents.waitFor((e) => e === "sub viewer-status /imu");
    const closes = new EventLog<string>();
    viewer.on("close", (reason) => closes.push(reason));
    await viewer.close();
    assert.deepEqual(closes.items, ["closed"]);
    assert.equal(await viewer.closed, "closed");
    assert.equal(sub.active, false);
    // The device notices the viewer left and drops its subscription.
    await deviceEvents.waitFor((e) => e === "unsub viewer-status /imu");
    await assert.rejects(viewer.ping(), { code: "ERR_CHANNEL_CLOSED" });
    assert.throws(() => viewer.subscribe("/imu"), { code: "ERR_CHANNEL_CLOSED" });
  });

  test("a device reset (control queue overflow) is survived: the viewer subscribes again", async () => {
    const resets = new EventLog<string>();
    const viewer = await stack.connect({
      identity: "viewer-reset",
      listener: { reset: () => resets.push("reset") },
    });
    const sub = viewer.subscribe("/rel/battery", { queueSize: 10_000 });
    await deviceEvents.waitFor((e) => e === "sub viewer-reset /rel/battery");
    const subsBefore = deviceEvents.items.filter((e) => e === "sub viewer-reset /rel/battery");
    // Logging is synchronous and the control stream is not: 3000 messages at once overflow the
    // device's per-viewer queue (1024), and the device resets the viewer (spec 1.9 step 7).
    for (let i = 0; i < 3000; i++) reliable.log(text("{}"));
    await resets.waitFor(() => true, 10_000, "reset");
    await deviceEvents.waitFor(
      () =>
        deviceEvents.items.filter((e) => e === "sub viewer-reset /rel/battery").length >
        subsBefore.length,
      10_000,
      "subscribed again",
    );
    assert.equal(viewer.serverInfo?.name, TEST_DEVICE.name);
    reliable.log(text('{"after":"reset"}'), { logTime: 42n });
    const it = sub[Symbol.asyncIterator]();
    const after = await within(
      (async () => {
        for (;;) {
          const r = await it.next();
          if (r.done === true) throw new Error("subscription ended");
          if (r.value.logTime === 42n) return r.value;
        }
      })(),
      10_000,
      "message after the reset",
    );
    assert.equal(str(after.data), '{"after":"reset"}');
    assert.equal(sub.active, true);
    await viewer.close();
  });

  test("a viewer with an incompatible protocol version is rejected by the device", async () => {
    await assert.rejects(
      stack.connect({ identity: "viewer-old", protocolVersion: "1.0.0" }),
      (e: Error & { code?: string }) =>
        e.code === "ERR_PROTOCOL" && /not compatible with this device/.test(e.message),
    );
  });

  test("API server refusals are typed errors that never show the viewer key", async () => {
    await assert.rejects(
      connectViewer({ apiUrl: stack.api.url, device: "no-such-device" }),
      (e: Error & { code?: string }) =>
        e.code === "ERR_API" && /404 unknown_device/.test(e.message),
    );
    await assert.rejects(
      connectViewer({ apiUrl: "http://127.0.0.1:9", device: "x", connectTimeoutMs: 5000 }),
      { code: "ERR_API" },
    );
    await using locked = await startApiServer({ devices: [TEST_DEVICE], viewerKey: "right-key" });
    await assert.rejects(
      connectViewer({ apiUrl: locked.url, device: TEST_DEVICE.id, viewerKey: "wrong-key-4711" }),
      (e: Error & { code?: string }) =>
        e.code === "ERR_API" && /401/.test(e.message) && !e.message.includes("wrong-key-4711"),
    );
  });

  test("the viewer closes with deviceLeft when the device leaves the room", async () => {
    const viewer = await stack.connect({ identity: "viewer-last" });
    const sub = viewer.subscribe("/imu");
    await stack.gateway.stop();
    assert.equal(await within(viewer.closed, 10_000, "viewer closed"), "deviceLeft");
    assert.equal(viewer.closeError?.code, "ERR_CHANNEL_CLOSED");
    assert.equal(sub.active, false);
  });
});
