// End-to-end acceptance: a real livekit-server, the project's API server, a gateway woken through
// it, and viewers built on the viewer library (raw LiveKit participants only for hostile input and
// for looking at exactly what reaches the wire). One stack serves the whole file.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { TEST_DEVICE } from "../src/api-server/index.js";
import { setLogger, type Logger } from "../src/core/logger.js";
import { RawChannel } from "../src/core/RawChannel.js";
import { shutdownLiveKit } from "../src/livekit/index.js";
import { encodeJsonFrame, MAX_FRAME_PAYLOAD } from "../src/protocol/index.js";
import type { Viewer, ViewerMessage } from "../src/viewer/index.js";
import { startDeviceStack, type DeviceStack } from "./helpers/deviceStack.js";
import { EventLog, within } from "./helpers/EventLog.js";
import { startLiveKitServer, type TestLiveKitServer } from "./helpers/livekitServer.js";
import { TestViewer } from "./helpers/TestViewer.js";

const text = (s: string) => new TextEncoder().encode(s);
const str = (b: Uint8Array) => new TextDecoder().decode(b);
/** Generous: livekit-server announces non-publishing participants in 3 s batches. */
const WAIT = 20_000;

let livekit: TestLiveKitServer;
let stack: DeviceStack;
const deviceEvents = new EventLog<string>();
const deviceLogs = new EventLog<string>();

before(async () => {
  livekit = await startLiveKitServer("e2e");
  stack = await startDeviceStack(livekit, {
    qosClassifier: (ch) => ({ reliability: ch.topic.startsWith("/rel") ? "reliable" : "lossy" }),
    maxDataTrackMessageSize: 1200,
    listener: {
      onSubscribe: (c, ch) => deviceEvents.push(`sub ${c.identity} ${ch.topic}`),
      onUnsubscribe: (c, ch) => deviceEvents.push(`unsub ${c.identity} ${ch.topic}`),
    },
  });
  const capture =
    (level: string) =>
    (...args: unknown[]) =>
      deviceLogs.push(
        [level, ...args.map((a) => (a instanceof Error ? a.message : String(a)))].join(" "),
      );
  const logger: Logger = {
    debug: capture("debug"),
    info: capture("info"),
    warn: capture("warn"),
    error: capture("error"),
  };
  setLogger(logger);
});
after(async () => {
  setLogger(undefined);
  await stack?.close();
  await livekit?.stop();
  await shutdownLiveKit();
});

const channel = (topic: string) =>
  new RawChannel(topic, { context: stack.context, messageEncoding: "json" });

/** Connects viewers in parallel (each join waits for LiveKit's 3 s participant batch). */
const connectAll = (...identities: string[]) =>
  Promise.all(identities.map((identity) => stack.connect({ identity })));

const subscribed = (identity: string, topic: string) =>
  deviceEvents.waitFor((e) => e === `sub ${identity} ${topic}`, WAIT, `${identity} on ${topic}`);

/** Every MessageData that reached `viewer` on its control stream: channel id and payload. */
function wire(viewer: Viewer): EventLog<{ channelId: number; data: string }> {
  const log = new EventLog<{ channelId: number; data: string }>();
  viewer.on("message", (m) => {
    if (m.op === "messageData") log.push({ channelId: m.channelId, data: str(m.data) });
  });
  return log;
}

/**
 * Collects a subscription's messages through the callback form (nothing is ever dropped), noting
 * arrival times (ms) in `times` if given.
 */
function collect(viewer: Viewer, topic: string, times?: number[]): EventLog<ViewerMessage> {
  const log = new EventLog<ViewerMessage>();
  viewer.subscribe(topic, {
    onMessage: (m) => {
      times?.push(performance.now());
      log.push(m);
    },
  });
  return log;
}

/** Logs `{i}` on `ch` every few ms until stopped; `sent` counts what was logged. */
function pump(ch: RawChannel, perTick = 2) {
  let sent = 0;
  const timer = setInterval(() => {
    for (let k = 0; k < perTick; k++) ch.log(text(JSON.stringify({ i: sent++ })));
  }, 4);
  return {
    get sent() {
      return sent;
    },
    stop: () => clearInterval(timer),
  };
}

const index = (m: ViewerMessage) => (JSON.parse(str(m.data)) as { i: number }).i;
const inOrder = (log: EventLog<ViewerMessage>) => log.items.every((m, k) => index(m) === k);

/** Raw credentials from the API server's viewer endpoint, and a raw participant using them. */
async function rawViewer(identity: string, protocolVersion?: string): Promise<TestViewer> {
  const viewer = await TestViewer.viaApiServer(
    {
      apiUrl: stack.api.url,
      device: TEST_DEVICE.id,
      identity,
      ...(protocolVersion ? { protocolVersion } : {}),
    },
    livekit.iceServers,
  );
  raws.push(viewer);
  return viewer;
}
const raws: TestViewer[] = [];
after(async () => {
  await Promise.all(raws.map((r) => r.close()));
});

describe("end to end through the API server and a woken gateway", () => {
  test("three viewers with overlapping subscriptions each get exactly theirs, every reliable message in order", async () => {
    const [a, b, c] = [channel("/rel/a"), channel("/rel/b"), channel("/rel/c")];
    const [v1, v2, v3] = await connectAll("overlap-1", "overlap-2", "overlap-3");
    const plan = [
      { v: v1!, topics: ["/rel/a", "/rel/b"] },
      { v: v2!, topics: ["/rel/b", "/rel/c"] },
      { v: v3!, topics: ["/rel/a", "/rel/c"] },
    ].map(({ v, topics }) => ({
      v,
      topics,
      onWire: wire(v),
      got: new Map(topics.map((t) => [t, collect(v, t)])),
    }));
    await Promise.all(
      plan.flatMap(({ v, topics }) => topics.map((t) => subscribed(v.identity, t))),
    );
    // 600 messages per channel in rounds small enough for the device's 1024-message queues; every
    // 50th message on /rel/a is 200 KiB so frames span many LiveKit chunks.
    const perChannel = 600;
    const round = 100;
    for (let start = 0; start < perChannel; start += round) {
      for (let i = start; i < start + round; i++) {
        const big = i % 50 === 0 ? `,"pad":"${"x".repeat(200 * 1024)}"` : "";
        a.log(text(`{"i":${i}${big}}`), { logTime: BigInt(i) });
        b.log(text(`{"i":${i}}`), { logTime: BigInt(i) });
        c.log(text(`{"i":${i}}`), { logTime: BigInt(i) });
      }
      await Promise.all(
        plan.flatMap(({ got, topics }) =>
          topics.map((t) =>
            got.get(t)!.waitFor(() => got.get(t)!.items.length >= start + round, WAIT, t),
          ),
        ),
      );
    }
    const ids = new Map([
      [a.id, "/rel/a"],
      [b.id, "/rel/b"],
      [c.id, "/rel/c"],
    ]);
    for (const { v, topics, got, onWire } of plan) {
      for (const t of topics) {
        const log = got.get(t)!;
        assert.equal(log.items.length, perChannel, `${v.identity} ${t}`);
        assert.ok(inOrder(log), `${v.identity} got ${t} in order`);
        assert.ok(log.items.every((m, k) => m.logTime === BigInt(k) && m.channel.topic === t));
      }
      // Nothing else reached the wire: only the subscribed channels, each exactly once per message.
      const wireTopics = onWire.items.map((m) => ids.get(m.channelId));
      assert.deepEqual([...new Set(wireTopics)].sort(), [...topics].sort(), v.identity);
      assert.equal(onWire.items.length, perChannel * topics.length, v.identity);
    }
    await Promise.all([v1!.close(), v2!.close(), v3!.close()]);
    a.close();
    b.close();
    c.close();
  });

  test("a channel closed on the device is unadvertised; a late viewer gets exactly the current advertisements", async () => {
    const keep = channel("/rel/keep");
    const gone = channel("/rel/gone");
    const [early] = await connectAll("early");
    const goneSub = early!.subscribe("/rel/gone");
    await subscribed("early", "/rel/gone");
    const removed = new EventLog<number>();
    early!.on("channels", (_list, change) => change.removed.forEach((ch) => removed.push(ch.id)));
    const goneId = gone.id;
    gone.close();
    await removed.waitFor((id) => id === goneId, WAIT, "unadvertise");
    await deviceEvents.waitFor((e) => e === "unsub early /rel/gone", WAIT);
    assert.equal(early!.channel(goneId), undefined);
    assert.deepEqual(goneSub.channels, []);
    const added = channel("/lossy/added");

    const [late] = await connectAll("late");
    await late!.waitForChannel("/lossy/added", { timeoutMs: WAIT });
    const current = stack.context.channels().map((ch) => [ch.id, ch.topic]);
    assert.deepEqual(
      late!.channels.map((ch) => [ch.id, ch.topic]),
      current,
      "the late viewer sees the device's channels, in id order",
    );
    assert.ok(current.some(([id]) => id === keep.id));
    assert.equal(late!.channel(goneId), undefined);
    assert.equal(late!.channel(added.id)?.reliable, false);
    assert.equal(late!.channel(keep.id)?.reliable, true);
    await Promise.all([early!.close(), late!.close()]);
    keep.close();
    added.close();
  });

  test("an unsubscribed channel stops arriving on the wire while the others continue", async () => {
    const [x, y] = [channel("/rel/x"), channel("/rel/y")];
    const [v] = await connectAll("unsub");
    const onWire = wire(v!);
    const xSub = v!.subscribe("/rel/x");
    const yGot = collect(v!, "/rel/y");
    await Promise.all([subscribed("unsub", "/rel/x"), subscribed("unsub", "/rel/y")]);
    x.log(text('{"i":0}'));
    y.log(text('{"i":0}'));
    await onWire.waitFor((m) => m.channelId === x.id, WAIT, "x before unsubscribe");
    xSub.unsubscribe();
    await deviceEvents.waitFor((e) => e === "unsub unsub /rel/x", WAIT);
    const before = onWire.items.length;
    for (let i = 1; i <= 50; i++) {
      x.log(text(`{"i":${i}}`));
      y.log(text(`{"i":${i}}`));
    }
    await yGot.waitFor((m) => index(m) === 50, WAIT, "y after unsubscribe");
    assert.ok(inOrder(yGot));
    assert.deepEqual(
      onWire.items.slice(before).filter((m) => m.channelId === x.id),
      [],
      "no MessageData of the unsubscribed channel after the device confirmed it",
    );
    assert.equal(x.hasSinks(), false);
    await v!.close();
    x.close();
    y.close();
  });

  test("an over-size lossy message is dropped with the channel-drops-<id> warning", async () => {
    const cloud = channel("/lossy/cloud");
    const statuses = new EventLog<string>();
    const [v] = await connectAll("oversize");
    v!.on("status", (s) => statuses.push(`${s.level} ${s.id} ${s.message}`));
    v!.on("removeStatus", (ids) => ids.forEach((id) => statuses.push(`remove ${id}`)));
    const sub = v!.subscribe("/lossy/cloud");
    const got = new EventLog<number>();
    const consume = (async () => {
      for await (const m of sub) got.push(m.data.length);
    })();
    await subscribed("oversize", "/lossy/cloud");
    // The data track comes up asynchronously: log small messages until they arrive.
    const small = pump(cloud);
    try {
      await got.waitFor(() => true, WAIT, "small lossy messages");
      cloud.log(new Uint8Array(1201).fill(0x20));
      const warning = await statuses.waitFor((s) => s.startsWith("1 "), WAIT, "warning");
      assert.equal(
        warning,
        `1 channel-drops-${cloud.id} Dropped 1 message on topic /lossy/cloud: exceeds 1.17 KiB per-message size limit`,
      );
      const count = got.items.length;
      await got.waitFor(() => got.items.length > count + 5, WAIT, "small messages continue");
    } finally {
      small.stop();
    }
    assert.ok(
      got.items.every((n) => n < 1201),
      "the over-size message never arrived",
    );
    assert.deepEqual(
      v!.statuses.map((s) => s.id),
      [`channel-drops-${cloud.id}`],
    );
    sub.unsubscribe();
    await consume;
    await statuses.waitFor((s) => s === `remove channel-drops-${cloud.id}`, WAIT);
    await v!.close();
    cloud.close();
  });

  test("a viewer that stops reading is reset without stalling the others", async () => {
    const steady = channel("/rel/steady");
    const heavy = channel("/rel/heavy");
    const [f1, f2, slow] = await connectAll("fast-1", "fast-2", "slow");
    const arrivals: number[][] = [[], []];
    const fast = [
      collect(f1!, "/rel/steady", arrivals[0]),
      collect(f2!, "/rel/steady", arrivals[1]),
    ];
    const fastResets = new EventLog<string>();
    f1!.on("reset", () => fastResets.push("f1"));
    f2!.on("reset", () => fastResets.push("f2"));
    const slowResets = new EventLog<string>();
    slow!.on("reset", () => slowResets.push("reset"));
    // The slow viewer never reads its subscriptions: its own buffers stay tiny and drop.
    const slowSteady = slow!.subscribe("/rel/steady", { queueSize: 4 });
    slow!.subscribe("/rel/heavy", { queueSize: 4 });
    await Promise.all([
      subscribed("fast-1", "/rel/steady"),
      subscribed("fast-2", "/rel/steady"),
      subscribed("slow", "/rel/steady"),
      subscribed("slow", "/rel/heavy"),
    ]);
    const p = pump(steady);
    try {
      await Promise.all(fast.map((f) => f.waitFor(() => f.items.length >= 20, WAIT)));
      // Only the slow viewer's device queue overflows (1024 messages): the device resets it.
      const sentAtBurst = p.sent;
      for (let i = 0; i < 2000; i++) heavy.log(text("{}"));
      await slowResets.waitFor(() => true, WAIT, "slow viewer reset");
      await deviceEvents.waitFor(
        () => deviceEvents.items.filter((e) => e === "sub slow /rel/steady").length >= 2,
        WAIT,
        "slow viewer subscribed again",
      );
      // Meanwhile the fast viewers kept receiving: all that was logged before the burst arrived.
      fast.forEach((f, k) => {
        assert.ok(f.items.length >= sentAtBurst, `fast ${k}: ${f.items.length}/${sentAtBurst}`);
      });
      const target = p.sent + 100;
      await Promise.all(fast.map((f) => f.waitFor(() => f.items.length >= target, WAIT)));
      const gaps = arrivals.map((times) =>
        Math.max(...times.slice(1).map((t, k) => t - times[k]!)),
      );
      assert.ok(
        gaps.every((g) => g < 3000),
        `no stall: longest gap between arrivals ${gaps.map(Math.round).join(", ")} ms`,
      );
    } finally {
      p.stop();
    }
    const total = p.sent;
    await Promise.all(fast.map((f) => f.waitFor(() => f.items.length >= total, WAIT)));
    for (const f of fast) {
      assert.equal(f.items.length, total);
      assert.ok(inOrder(f), "every steady message, in order");
    }
    assert.deepEqual(fastResets.items, [], "the fast viewers were never reset");
    assert.ok(slowSteady.active, "the slow viewer's subscription survived its reset");
    assert.ok(slowSteady.dropped > 0, "the slow viewer's own buffer dropped (it never read)");
    await Promise.all([f1!.close(), f2!.close(), slow!.close()]);
    steady.close();
    heavy.close();
  });

  test("a viewer leaving mid-stream leaves the rest undisturbed", async () => {
    const steady = channel("/rel/leave");
    const lossy = channel("/lossy/leave");
    const [stay, leave] = await connectAll("stay", "leave");
    const stayRel = collect(stay!, "/rel/leave");
    const stayLossy = collect(stay!, "/lossy/leave");
    const leaveRel = collect(leave!, "/rel/leave");
    leave!.subscribe("/lossy/leave");
    await Promise.all(
      ["stay", "leave"].flatMap((id) => [
        subscribed(id, "/rel/leave"),
        subscribed(id, "/lossy/leave"),
      ]),
    );
    const p = pump(steady);
    const q = pump(lossy);
    try {
      await leaveRel.waitFor(() => leaveRel.items.length >= 20, WAIT);
      await leave!.close();
      await deviceEvents.waitFor((e) => e === "unsub leave /rel/leave", WAIT);
      await deviceEvents.waitFor((e) => e === "unsub leave /lossy/leave", WAIT);
      const lossyNow = stayLossy.items.length;
      const target = p.sent + 50;
      await stayRel.waitFor(() => stayRel.items.length >= target, WAIT, "stay keeps receiving");
      await stayLossy.waitFor(() => stayLossy.items.length > lossyNow + 10, WAIT, "lossy too");
    } finally {
      p.stop();
      q.stop();
    }
    const total = p.sent;
    await stayRel.waitFor(() => stayRel.items.length >= total, WAIT);
    assert.equal(stayRel.items.length, total);
    assert.ok(inOrder(stayRel));
    assert.equal(stack.session?.participant("leave"), undefined);
    assert.equal(stack.session?.participant("stay")?.identity, "stay");
    await stay!.close();
    steady.close();
    lossy.close();
  });

  test("a viewer with an unsupported protocol version gets the error status and nothing else", async () => {
    const ch = channel("/rel/version");
    const [ok, old] = await Promise.all([
      stack.connect({ identity: "ok" }),
      rawViewer("v3", "3.0.0"),
    ]);
    const status = await old.waitFor("status", () => true, WAIT);
    assert.deepEqual(status, {
      op: "status",
      level: 2,
      message:
        "Remote access protocol version 3.0.0 is not compatible with this device (supported: 2.3.0)",
    });
    // Traffic the rejected viewer would see if it had been admitted: a broadcast status and data.
    const okGot = collect(ok, "/rel/version");
    await subscribed("ok", "/rel/version");
    stack.gateway.publishStatus({ level: "info", message: "broadcast", id: "b" });
    ch.log(text('{"i":0}'));
    await okGot.waitFor(() => true, WAIT);
    await ok.ping(); // a round trip after the broadcast
    assert.deepEqual(
      old.messages().map((m) => m.op),
      ["status"],
    );
    assert.equal(stack.session?.participant("v3"), undefined);
    stack.gateway.removeStatus(["b"]);
    await Promise.all([ok.close(), old.close()]);
    ch.close();
  });

  test("malformed input, unknown frame opcodes and an over-16 MiB frame end only that viewer's stream", async () => {
    const live = channel("/rel/live");
    const probeA = channel("/rel/probe-a");
    const probeB = channel("/rel/probe-b");
    const [good, skip, badOpcode, tooBig] = await Promise.all([
      stack.connect({ identity: "good" }),
      rawViewer("raw-skip"),
      rawViewer("raw-opcode"),
      rawViewer("raw-big"),
    ]);
    const goodGot = collect(good, "/rel/live");
    await subscribed("good", "/rel/live");
    await Promise.all(
      [skip, badOpcode, tooBig].map((r) => r.waitFor("advertise", () => true, WAIT)),
    );
    const p = pump(live);
    try {
      // Malformed messages inside valid frames are skipped; the stream goes on.
      await skip.sendBytes(encodeJsonFrame("{not json"));
      await skip.sendBytes(encodeJsonFrame('{"op":"noSuchOp"}'));
      await skip.sendBytes(Uint8Array.of(0x02, 1, 0, 0, 0, 0xee)); // unknown binary opcode
      await skip.send({ op: "subscribe", channels: [{ id: probeA.id }] });
      await subscribed("raw-skip", "/rel/probe-a");

      // A frame with an unknown opcode, and a frame header announcing 16 MiB + 1, end the stream:
      // what follows on it is never read. A fresh stream from the same viewer is read again.
      await badOpcode.sendBytes(Uint8Array.of(0x07, 2, 0, 0, 0, 0x7b, 0x7d));
      await tooBig.sendBytes(headerOf(MAX_FRAME_PAYLOAD + 1));
      for (const r of [badOpcode, tooBig]) {
        await r.send({ op: "subscribe", channels: [{ id: probeA.id }] });
        r.newStream();
        await r.send({ op: "subscribe", channels: [{ id: probeB.id }] });
      }
      await subscribed("raw-opcode", "/rel/probe-b");
      await subscribed("raw-big", "/rel/probe-b");
      const logged = p.sent + 20;
      await goodGot.waitFor(() => goodGot.items.length >= logged, WAIT, "good keeps receiving");
    } finally {
      p.stop();
    }
    for (const id of ["raw-opcode", "raw-big"]) {
      assert.ok(!deviceEvents.items.includes(`sub ${id} /rel/probe-a`), `${id}: dead stream read`);
      assert.ok(
        deviceLogs.items.some((l) =>
          l.startsWith(`error [foxglove] stopped reading a control stream from ${id}`),
        ),
        `${id}: the device says why it stopped reading`,
      );
      assert.equal(stack.session?.participant(id)?.identity, id, "still admitted");
    }
    assert.ok(deviceLogs.items.some((l) => l.includes("Frame payload of 16777217 bytes exceeds")));
    assert.ok(deviceLogs.items.some((l) => l.includes("Unknown frame opcode 0x07")));
    // Three malformed messages from one viewer within seconds give one log line, not three (a
    // hostile peer cannot flood the device's log).
    const malformed = deviceLogs.items.filter((l) =>
      l.includes("ignoring a malformed message from viewer raw-skip"),
    );
    assert.equal(malformed.length, 1, malformed.join("\n"));
    const total = p.sent;
    await goodGot.waitFor(() => goodGot.items.length >= total, WAIT);
    assert.equal(goodGot.items.length, total);
    assert.ok(inOrder(goodGot), "the good viewer was undisturbed");
    // The device still serves newcomers and the good viewer's new requests.
    const late = channel("/rel/after");
    const afterGot = collect(good, "/rel/after");
    await subscribed("good", "/rel/after");
    late.log(text('{"i":0}'));
    await within(
      afterGot.waitFor(() => true, WAIT),
      WAIT,
      "after",
    );
    await good.close();
    for (const ch of [live, probeA, probeB, late]) ch.close();
  });
});

/** A JSON frame header announcing `length` payload bytes (no payload follows). */
function headerOf(length: number): Uint8Array {
  const h = new Uint8Array(5);
  h[0] = 0x01;
  new DataView(h.buffer).setUint32(1, length, true);
  return h;
}
