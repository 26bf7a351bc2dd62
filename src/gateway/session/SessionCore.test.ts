import assert from "node:assert/strict";
import { test } from "node:test";
import { Context } from "../../core/Context.js";
import { setLogger } from "../../core/logger.js";
import { RawChannel } from "../../core/RawChannel.js";
import type { ServerMessage, Status } from "../../protocol/index.js";
import { buildServerInfo } from "./buildServerInfo.js";
import { PendingResets } from "./PendingResets.js";
import { SessionCore, type SessionCoreOptions } from "./SessionCore.js";
import type { SessionListener } from "./SessionListener.js";
import { RecordingDataPlane } from "./testing/RecordingDataPlane.js";
import { RecordingViewer } from "./testing/RecordingViewer.js";

setLogger(undefined);

const utf8 = new TextEncoder();
const bytes = (s: string) => utf8.encode(s);

/** A session over a fresh Context, with a recording listener and data plane. */
function setup(
  extra: Partial<SessionCoreOptions> = {},
  capabilities = ["clientPublish", "parameters", "parametersSubscribe"],
) {
  const context = new Context();
  const events: string[] = [];
  const listener: SessionListener = {
    onSubscribe: (c, ch) => events.push(`sub ${c.identity} ${ch.topic}`),
    onUnsubscribe: (c, ch) => events.push(`unsub ${c.identity} ${ch.topic}`),
    onClientAdvertise: (c, ch) => events.push(`adv ${c.identity} ${ch.topic}`),
    onClientUnadvertise: (c, ch) => events.push(`unadv ${c.identity} ${ch.topic}`),
    onMessageData: (c, ch, p) =>
      events.push(`data ${c.identity} ${ch.topic} ${new TextDecoder().decode(p)}`),
    onParametersSubscribe: (n) => events.push(`psub ${n.join(",")}`),
    onParametersUnsubscribe: (n) => events.push(`punsub ${n.join(",")}`),
  };
  const dataPlane = new RecordingDataPlane();
  const core = new SessionCore({
    context,
    serverInfo: buildServerInfo({
      name: "robot",
      capabilities: capabilities as never,
      sessionId: "s1",
    }),
    listener,
    dataPlane,
    ...extra,
  });
  context.addSink(core);
  const channel = (
    topic: string,
    opts: Partial<ConstructorParameters<typeof RawChannel>[1]> = {},
  ) => new RawChannel(topic, { context, messageEncoding: "json", ...opts });
  const viewer = (
    identity: string,
    sid = `PA_${identity}`,
    joinedAt = 1,
    resets?: PendingResets,
  ) => {
    const v = new RecordingViewer(identity, sid, { joinedAt, ...(resets ? { resets } : {}) });
    assert.equal(core.admit(v.participant), true);
    return v;
  };
  return { context, core, events, dataPlane, channel, viewer };
}

const ofOp = <K extends ServerMessage["op"]>(ms: ServerMessage[], op: K) =>
  ms.filter((m): m is Extract<ServerMessage, { op: K }> => m.op === op);

test("a joining viewer gets serverInfo, then one advertise, then advertiseServices, nothing else", async () => {
  const { channel, viewer } = setup({
    services: () => ({
      op: "advertiseServices",
      services: [{ id: 1, name: "/srv", type: "t", requestSchema: "", responseSchema: "" }],
    }),
  });
  channel("/a");
  channel("/b", { metadata: { k: "v" } });
  const v = viewer("alice");
  const ms = await v.settled();
  assert.deepEqual(v.ops(), ["serverInfo", "advertise", "advertiseServices"]);
  const info = ms[0];
  assert.ok(info?.op === "serverInfo");
  assert.equal(info.name, "robot");
  assert.equal(info.sessionId, "s1");
  assert.match(info.metadata?.["fg-library"] ?? "", /^foxglove-sdk-typescript\//);
  assert.deepEqual(
    ofOp(ms, "advertise")[0]?.channels.map((c) => [c.topic, c.metadata]),
    [
      ["/a", undefined],
      ["/b", { k: "v" }],
    ],
  );
});

test("without channels or services a viewer gets only serverInfo", async () => {
  const { viewer } = setup();
  const v = viewer("alice");
  await v.settled();
  assert.deepEqual(v.ops(), ["serverInfo"]);
});

test("a new channel is advertised to every viewer and gets a data track unless reliable", async () => {
  const { channel, viewer, dataPlane } = setup({
    qosClassifier: (c) => ({ reliability: c.topic === "/rel" ? "reliable" : "lossy" }),
  });
  const a = viewer("alice");
  const b = viewer("bob");
  const lossy = channel("/lossy");
  const rel = channel("/rel");
  for (const v of [a, b]) {
    const adv = ofOp(await v.received(3), "advertise");
    assert.deepEqual(
      adv.map((m) => m.channels.map((c) => [c.id, c.metadata])),
      [[[lossy.id, undefined]], [[rel.id, { "foxglove.reliable": "true" }]]],
    );
  }
  assert.deepEqual(dataPlane.calls, [`open ${lossy.id}`]);
});

test("the session's channel filter keeps channels from being advertised at all", async () => {
  const { channel, viewer } = setup({ channelFilter: (c) => !c.topic.startsWith("/secret") });
  channel("/secret/x");
  channel("/public");
  const v = viewer("alice");
  const adv = ofOp(await v.settled(), "advertise");
  assert.deepEqual(
    adv[0]?.channels.map((c) => c.topic),
    ["/public"],
  );
});

test("reliable data goes as MessageData to data subscribers only, after subscribe", async () => {
  const { channel, viewer, core, events } = setup({
    qosClassifier: () => ({ reliability: "reliable" }),
  });
  const ch = channel("/rel");
  const a = viewer("alice");
  const b = viewer("bob");
  ch.log(bytes("before"), { logTime: 1n });
  assert.equal(ch.hasSinks(), false);
  core.handleMessage(a.participant, { op: "subscribe", channels: [{ id: ch.id }] });
  assert.equal(ch.hasSinks(), true);
  assert.deepEqual(events, ["sub alice /rel"]);
  ch.log(bytes("one"), { logTime: 42n });
  ch.log(bytes("two"), { logTime: 43n });
  const data = ofOp(await a.received(4), "messageData");
  assert.deepEqual(
    data.map((m) => [m.channelId, m.logTime, new TextDecoder().decode(m.data)]),
    [
      [ch.id, 42n, "one"],
      [ch.id, 43n, "two"],
    ],
  );
  assert.deepEqual(ofOp(await b.settled(), "messageData"), []);
});

test("lossy data goes to the data plane only while a data subscriber exists", async () => {
  const { channel, viewer, core, dataPlane } = setup();
  const ch = channel("/lossy");
  const a = viewer("alice");
  ch.log(bytes("x"));
  core.handleMessage(a.participant, { op: "subscribe", channels: [{ id: ch.id }] });
  ch.log(bytes("y"), { logTime: 7n });
  core.handleMessage(a.participant, { op: "unsubscribe", channelIds: [ch.id] });
  ch.log(bytes("z"));
  assert.deepEqual(
    dataPlane.lossy.map((m) => [m.channelId, new TextDecoder().decode(m.data), m.logTime]),
    [[ch.id, "y", 7n]],
  );
  assert.equal(ch.hasSinks(), false);
  assert.deepEqual(ofOp(await a.settled(), "messageData"), []);
});

test("the Context subscription follows the first and last subscriber of any kind", () => {
  const { channel, viewer, core, events } = setup();
  const ch = channel("/t");
  const a = viewer("alice");
  const b = viewer("bob");
  core.handleMessage(a.participant, { op: "subscribe", channels: [{ id: ch.id }] });
  core.handleMessage(b.participant, { op: "subscribe", channels: [{ id: ch.id }] });
  core.handleMessage(a.participant, { op: "unsubscribe", channelIds: [ch.id] });
  assert.equal(ch.hasSinks(), true);
  core.handleMessage(b.participant, { op: "unsubscribe", channelIds: [ch.id, 999] });
  assert.equal(ch.hasSinks(), false);
  assert.deepEqual(events, ["sub alice /t", "sub bob /t", "unsub alice /t", "unsub bob /t"]);
});

test("video on a channel without video is refused with an error status and no subscription", async () => {
  const { channel, viewer, core, events } = setup();
  const ch = channel("/t");
  const a = viewer("alice");
  core.handleMessage(a.participant, {
    op: "subscribe",
    channels: [{ id: ch.id, requestVideoTrack: true }],
  });
  const statuses = ofOp(await a.settled(), "status");
  assert.deepEqual(statuses, [
    { op: "status", level: 2, message: `Channel ${ch.id} does not support video transcoding` },
  ]);
  assert.deepEqual(events, []);
  assert.equal(ch.hasSinks(), false);
});

test("video subscribers start and stop the video publisher and bypass the data plane", () => {
  const { channel, viewer, core, dataPlane, events } = setup();
  const cam = channel("/cam", {
    messageEncoding: "protobuf",
    schema: { name: "foxglove.RawImage", encoding: "protobuf", data: new Uint8Array([1]) },
  });
  const a = viewer("alice");
  core.handleMessage(a.participant, {
    op: "subscribe",
    channels: [{ id: cam.id, requestVideoTrack: true }],
  });
  cam.log(bytes("frame"));
  assert.deepEqual(dataPlane.video, [cam.id]);
  assert.deepEqual(dataPlane.lossy, []);
  core.handleMessage(a.participant, { op: "subscribe", channels: [{ id: cam.id }] });
  cam.log(bytes("frame2"));
  assert.equal(dataPlane.lossy.length, 1);
  assert.deepEqual(dataPlane.calls, [
    `open ${cam.id}`,
    `startVideo ${cam.id}`,
    `stopVideo ${cam.id}`,
  ]);
  assert.deepEqual(events, ["sub alice /cam"]); // switching mode is not a new subscription
});

test("drop warnings: sent to data subscribers, replayed, retracted, swept, cleared on removal", async () => {
  let now = 0;
  const { channel, viewer, core, dataPlane } = setup({ now: () => now });
  const ch = channel("/big");
  const a = viewer("alice");
  const b = viewer("bob");
  core.handleMessage(a.participant, { op: "subscribe", channels: [{ id: ch.id }] });
  dataPlane.nextReport = { droppedSinceLast: 3, sizeLimit: 102400 };
  ch.log(new Uint8Array(10));
  const expected: Status = {
    op: "status",
    level: 1,
    id: `channel-drops-${ch.id}`,
    message: "Dropped 3 messages on topic /big: exceeds 100 KiB per-message size limit",
  };
  assert.deepEqual(ofOp(await a.settled(), "status"), [expected]);
  assert.deepEqual(ofOp(await b.settled(), "status"), []);
  // replay to a new data subscriber
  core.handleMessage(b.participant, { op: "subscribe", channels: [{ id: ch.id }] });
  assert.deepEqual(ofOp(await b.settled(), "status"), [expected]);
  // targeted retraction on unsubscribe
  core.handleMessage(b.participant, { op: "unsubscribe", channelIds: [ch.id] });
  assert.deepEqual(ofOp(await b.settled(), "removeStatus"), [
    { op: "removeStatus", statusIds: [`channel-drops-${ch.id}`] },
  ]);
  // sweep after 60 s idle: broadcast
  now = 59_999;
  core.sweepWarnings();
  now = 60_000;
  core.sweepWarnings();
  assert.equal(ofOp(await a.settled(), "removeStatus").length, 1);
  assert.equal(ofOp(await b.settled(), "removeStatus").length, 2);
  // channel removal: unadvertise + unconditional removeStatus
  ch.close();
  const tail = (await a.settled()).slice(-2);
  assert.deepEqual(tail, [
    { op: "unadvertise", channelIds: [ch.id] },
    { op: "removeStatus", statusIds: [`channel-drops-${ch.id}`] },
  ]);
  assert.ok(dataPlane.calls.includes(`close ${ch.id}`));
});

test("closing a channel tells the listener about every subscriber", () => {
  const { channel, viewer, core, events } = setup();
  const ch = channel("/t");
  const a = viewer("alice");
  const b = viewer("bob");
  core.handleMessage(a.participant, { op: "subscribe", channels: [{ id: ch.id }] });
  core.handleMessage(b.participant, { op: "subscribe", channels: [{ id: ch.id }] });
  events.length = 0;
  ch.close();
  assert.deepEqual(events.sort(), ["unsub alice /t", "unsub bob /t"]);
  assert.equal(core.channels.get(ch.id), undefined);
});

test("a leaving viewer's subscriptions, client channels and parameter subscriptions are cleaned up", async () => {
  const { channel, viewer, core, events } = setup();
  const t1 = channel("/t1");
  const t2 = channel("/t2");
  const a = viewer("alice");
  const b = viewer("bob");
  core.handleMessage(a.participant, { op: "subscribe", channels: [{ id: t1.id }, { id: t2.id }] });
  core.handleMessage(b.participant, { op: "subscribe", channels: [{ id: t2.id }] });
  core.handleMessage(a.participant, {
    op: "advertise",
    channels: [{ id: 5, topic: "/cmd", encoding: "json", schemaName: "" }],
  });
  core.handleMessage(a.participant, {
    op: "subscribeParameterUpdates",
    parameterNames: ["p", "q"],
  });
  core.handleMessage(b.participant, { op: "subscribeParameterUpdates", parameterNames: ["q"] });
  events.length = 0;
  assert.equal(core.remove(a.participant.sid), true);
  assert.equal(core.remove(a.participant.sid), false); // a late disconnect is stale
  assert.deepEqual(events, ["punsub p", "unsub alice /t1", "unsub alice /t2", "unadv alice /cmd"]);
  assert.equal(t1.hasSinks(), false);
  assert.equal(t2.hasSinks(), true);
  assert.equal(core.participantCount, 1);
  await a.participant.close();
  assert.equal(a.participant.signal.aborted, true);
});

test("a newer connection of the same identity replaces the older one and cleans it up", async () => {
  const { channel, viewer, core, events } = setup();
  const ch = channel("/t");
  const old = viewer("alice", "PA_1", 100);
  core.handleMessage(old.participant, { op: "subscribe", channels: [{ id: ch.id }] });
  events.length = 0;
  const fresh = viewer("alice", "PA_2", 200);
  assert.deepEqual(events, ["unsub alice /t"]);
  assert.equal(core.participant("alice"), fresh.participant);
  assert.equal(old.participant.signal.aborted, true);
  assert.deepEqual(
    (await fresh.settled()).map((m) => m.op),
    ["serverInfo", "advertise"],
  );
  // a stale connection (older joinedAt) is refused and closed
  const stale = new RecordingViewer("alice", "PA_0", { joinedAt: 50 });
  assert.equal(core.admit(stale.participant), false);
  assert.equal(stale.participant.signal.aborted, true);
  // a message still in flight from the replaced instance creates no state
  core.handleMessage(old.participant, { op: "subscribe", channels: [{ id: ch.id }] });
  assert.deepEqual(core.channels.subscriberSids(ch.id), []);
  assert.equal(ch.hasSinks(), false);
});

test("close() runs every viewer's cleanup, leaves the Context and closes all viewers", () => {
  const { channel, viewer, core, events, context } = setup();
  const ch = channel("/t");
  const a = viewer("alice");
  core.handleMessage(a.participant, { op: "subscribe", channels: [{ id: ch.id }] });
  events.length = 0;
  const closed = core.close();
  assert.deepEqual(closed, [a.participant]);
  assert.deepEqual(events, ["unsub alice /t"]);
  assert.equal(ch.hasSinks(), false);
  assert.equal(a.participant.signal.aborted, true);
  assert.equal(core.close().length, 0);
  assert.equal(context.addSink(core), true); // it had left the Context
  assert.equal(core.admit(new RecordingViewer("bob", "PA_b").participant), false);
});

test("client publish: capability gate, advertise, duplicate warning, data, unknown channel", async () => {
  const without = setup({}, []);
  const v0 = without.viewer("carol");
  without.core.handleMessage(v0.participant, {
    op: "advertise",
    channels: [{ id: 1, topic: "/cmd", encoding: "json", schemaName: "" }],
  });
  assert.deepEqual(ofOp(await v0.settled(), "status"), [
    { op: "status", level: 2, message: "Server does not support clientPublish capability" },
  ]);
  assert.deepEqual(without.events, []);

  const { viewer, core, events } = setup();
  const a = viewer("alice");
  const adv = {
    op: "advertise" as const,
    channels: [{ id: 1, topic: "/cmd", encoding: "json", schemaName: "teleop.Twist" }],
  };
  core.handleMessage(a.participant, adv);
  core.handleMessage(a.participant, adv);
  core.handleMessage(a.participant, { op: "messageData", channelId: 1, data: bytes("go") });
  core.handleMessage(a.participant, { op: "messageData", channelId: 9, data: bytes("?") });
  core.handleMessage(a.participant, { op: "unadvertise", channelIds: [1, 1] });
  assert.deepEqual(events, ["adv alice /cmd", "data alice /cmd go", "unadv alice /cmd"]);
  assert.deepEqual(
    ofOp(await a.settled(), "status").map((s) => [s.level, s.message]),
    [
      [1, "Client is already advertising channel: 1; ignoring advertisement"],
      [2, "Client has not advertised channel: 9"],
    ],
  );
});

test("client publish: a name-only schema is kept; bad base64 schema is refused", async () => {
  const seen: unknown[] = [];
  const { viewer, core } = setup({
    listener: { onClientAdvertise: (_c, ch) => seen.push(ch.schema) },
  });
  const a = viewer("alice");
  core.handleMessage(a.participant, {
    op: "advertise",
    channels: [
      { id: 1, topic: "/a", encoding: "json", schemaName: "my.Type" },
      {
        id: 2,
        topic: "/b",
        encoding: "protobuf",
        schemaName: "P",
        schemaEncoding: "protobuf",
        schema: "!!",
      },
      {
        id: 3,
        topic: "/c",
        encoding: "json",
        schemaName: "J",
        schemaEncoding: "jsonschema",
        schema: "{}",
      },
    ],
  });
  assert.deepEqual(seen, [
    { name: "my.Type", encoding: "", data: new Uint8Array(0) },
    { name: "J", encoding: "jsonschema", data: bytes("{}") },
  ]);
  const statuses = ofOp(await a.settled(), "status");
  assert.equal(statuses.length, 1);
  assert.match(statuses[0]!.message, /^Failed to decode schema for channel 2: /);
});

test("parameter update subscriptions report first and last subscribers", () => {
  const { viewer, core, events } = setup();
  const a = viewer("alice");
  const b = viewer("bob");
  core.handleMessage(a.participant, {
    op: "subscribeParameterUpdates",
    parameterNames: ["x", "y"],
  });
  core.handleMessage(b.participant, { op: "subscribeParameterUpdates", parameterNames: ["x"] });
  core.handleMessage(a.participant, {
    op: "unsubscribeParameterUpdates",
    parameterNames: ["x", "y"],
  });
  core.handleMessage(b.participant, { op: "unsubscribeParameterUpdates", parameterNames: ["x"] });
  assert.deepEqual(events, ["psub x,y", "punsub y", "punsub x"]);
});

test("parameter subscriptions without the capability are refused", async () => {
  const { viewer, core, events } = setup({}, []);
  const a = viewer("alice");
  core.handleMessage(a.participant, { op: "subscribeParameterUpdates", parameterNames: ["x"] });
  assert.deepEqual(events, []);
  assert.deepEqual(
    ofOp(await a.settled(), "status").map((s) => s.message),
    ["Server does not support parametersSubscribe capability"],
  );
});

test("ping is answered with a pong echoing the viewer's timestamp", async () => {
  const { viewer, core } = setup();
  const a = viewer("alice");
  const before = BigInt(Date.now());
  core.handleMessage(a.participant, { op: "ping", appTimestamp: 1711500000000n });
  const pong = ofOp(await a.settled(), "pong")[0];
  assert.equal(pong?.appTimestamp, 1711500000000n);
  assert.ok(pong.deviceTimestamp >= before && pong.deviceTimestamp <= BigInt(Date.now()));
  core.handleMessage(a.participant, { op: "pingAck", deviceTimestamp: BigInt(Date.now()) - 5n });
  core.handleMessage(a.participant, { op: "pingAck", deviceTimestamp: BigInt(Date.now()) - 7n });
  assert.ok(core.pingRtt.ewma !== undefined && core.pingRtt.ewma >= 7);
});

test("a throwing listener does not break the session", async () => {
  const { channel, viewer, core } = setup({
    listener: {
      onSubscribe: () => {
        throw new Error("listener bug");
      },
    },
    qosClassifier: () => ({ reliability: "reliable" }),
  });
  const ch = channel("/t");
  const a = viewer("alice");
  core.handleMessage(a.participant, { op: "subscribe", channels: [{ id: ch.id }] });
  ch.log(bytes("still delivered"));
  assert.equal(ofOp(await a.received(3), "messageData").length, 1);
});

test("a reliable flood overflowing a viewer's queue requests its reset, others unaffected", async () => {
  const resets = new PendingResets();
  const { channel, core } = setup({ qosClassifier: () => ({ reliability: "reliable" }) });
  const ch = channel("/flood");
  const slow = new RecordingViewer("slow", "PA_slow", { resets, messageBacklogSize: 4 });
  const fast = new RecordingViewer("fast", "PA_fast", { resets });
  core.admit(slow.participant);
  core.admit(fast.participant);
  for (const v of [slow, fast]) {
    core.handleMessage(v.participant, { op: "subscribe", channels: [{ id: ch.id }] });
  }
  for (let i = 0; i < 10; i++) {
    ch.log(bytes(`m${i}`)); // synchronous: the slow queue (4) overflows before any flush
  }
  assert.deepEqual(resets.drain(), ["PA_slow"]);
  assert.equal(slow.participant.signal.aborted, true);
  assert.equal(ofOp(await fast.received(12), "messageData").length, 10);
});

test("viewer messages gated by capabilities not announced are refused as the spec says", async () => {
  const { viewer, core } = setup({}, []);
  const a = viewer("alice");
  core.handleMessage(a.participant, {
    op: "serviceCallRequest",
    serviceId: 3,
    callId: 9,
    encoding: "json",
    data: bytes("{}"),
  });
  core.handleMessage(a.participant, { op: "fetchAsset", requestId: 1, uri: "package://x" });
  core.handleMessage(a.participant, { op: "getParameters", parameterNames: [] });
  core.handleMessage(a.participant, { op: "subscribeConnectionGraph" });
  const ms = (await a.settled()).slice(1);
  assert.deepEqual(ms, [
    {
      op: "serviceCallFailure",
      serviceId: 3,
      callId: 9,
      message: "Server does not support services",
    },
    { op: "status", level: 2, message: "Server does not support assets capability" },
    { op: "status", level: 2, message: "Server does not support parameters capability" },
    { op: "status", level: 2, message: "Server does not support connection graph capability" },
  ]);
});
