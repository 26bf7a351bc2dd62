import assert from "node:assert/strict";
import { test } from "node:test";
import { Channel } from "../core/Channel.js";
import { Context } from "../core/Context.js";
import type { Encoder } from "../core/Encoder.js";
import { setLogger } from "../core/logger.js";
import { RawChannel } from "../core/RawChannel.js";
import type { ServerMessage, Status } from "../protocol/index.js";
import { MemoryConnection } from "./testing/MemoryConnection.js";
import { RecordingMedia } from "./testing/RecordingMedia.js";
import { ViewerHub, type HubTransport } from "./ViewerHub.js";
import type { ViewerHubOptions } from "./ViewerHubOptions.js";
import type { ViewerListener } from "./ViewerListener.js";

setLogger(undefined);

const utf8 = new TextEncoder();
const bytes = (s: string) => utf8.encode(s);

/** An open hub over a fresh Context, with a recording listener and media. */
function setup(
  extra: ViewerHubOptions = {},
  capabilities: ViewerHubOptions["capabilities"] = ["clientPublish", "parameters"],
  transport: Partial<HubTransport> = {},
) {
  const context = new Context();
  const events: string[] = [];
  const listener: ViewerListener = {
    onSubscribe: (c, ch) => events.push(`sub ${c.identity} ${ch.topic}`),
    onUnsubscribe: (c, ch) => events.push(`unsub ${c.identity} ${ch.topic}`),
    onClientAdvertise: (c, ch) => events.push(`adv ${c.identity} ${ch.topic}`),
    onClientUnadvertise: (c, ch) => events.push(`unadv ${c.identity} ${ch.topic}`),
    onMessageData: (c, ch, p) =>
      events.push(`data ${c.identity} ${ch.topic} ${new TextDecoder().decode(p)}`),
    onParametersSubscribe: (n) => events.push(`psub ${n.join(",")}`),
    onParametersUnsubscribe: (n) => events.push(`punsub ${n.join(",")}`),
  };
  const media = new RecordingMedia();
  const hub = new ViewerHub({ context, listener, capabilities, ...extra });
  hub.open({ serverName: "robot", sessionId: "s1", media, ...transport });
  const channel = (
    topic: string,
    opts: Partial<ConstructorParameters<typeof RawChannel>[1]> = {},
  ) => new RawChannel(topic, { context, messageEncoding: "json", ...opts });
  const viewer = (name: string) => {
    const v = new MemoryConnection(name);
    assert.equal(hub.connect(v), true);
    return v;
  };
  return { context, hub, core: hub, events, media, dataPlane: media, channel, viewer };
}

const ofOp = <K extends ServerMessage["op"]>(ms: ServerMessage[], op: K) =>
  ms.filter((m): m is Extract<ServerMessage, { op: K }> => m.op === op);

test("a joining viewer gets serverInfo, then one advertise, nothing else", () => {
  const { channel, viewer } = setup();
  channel("/a");
  channel("/b", { metadata: { k: "v" } });
  const v = viewer("alice");
  const ms = v.messages;
  assert.deepEqual(v.ops(), ["serverInfo", "advertise"]);
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

test("without channels or services a viewer gets only serverInfo", () => {
  const { viewer } = setup();
  const v = viewer("alice");
  assert.deepEqual(v.ops(), ["serverInfo"]);
});

test("a new channel is advertised to every viewer and gets a data track unless reliable", () => {
  const { channel, viewer, dataPlane } = setup({
    qosClassifier: (c) => ({ reliability: c.topic === "/rel" ? "reliable" : "lossy" }),
  });
  const a = viewer("alice");
  const b = viewer("bob");
  const lossy = channel("/lossy");
  const rel = channel("/rel");
  for (const v of [a, b]) {
    const adv = ofOp(v.messages, "advertise");
    assert.deepEqual(
      adv.map((m) => m.channels.map((c) => [c.id, c.metadata])),
      [[[lossy.id, undefined]], [[rel.id, { "foxglove.reliable": "true" }]]],
    );
  }
  assert.deepEqual(dataPlane.calls, [`open ${lossy.id}`]);
});

test("the session's channel filter keeps channels from being advertised at all", () => {
  const { channel, viewer } = setup({ channelFilter: (c) => !c.topic.startsWith("/secret") });
  channel("/secret/x");
  channel("/public");
  const v = viewer("alice");
  const adv = ofOp(v.messages, "advertise");
  assert.deepEqual(
    adv[0]?.channels.map((c) => c.topic),
    ["/public"],
  );
});

test("reliable data goes as MessageData to data subscribers only, after subscribe", () => {
  const { channel, viewer, core, events } = setup({
    qosClassifier: () => ({ reliability: "reliable" }),
  });
  const ch = channel("/rel");
  const a = viewer("alice");
  const b = viewer("bob");
  ch.log(bytes("before"), { logTime: 1n });
  assert.equal(ch.hasSinks(), false);
  core.handleMessage(a, { op: "subscribe", channels: [{ id: ch.id }] });
  assert.equal(ch.hasSinks(), true);
  assert.deepEqual(events, ["sub alice /rel"]);
  ch.log(bytes("one"), { logTime: 42n });
  ch.log(bytes("two"), { logTime: 43n });
  const data = ofOp(a.messages, "messageData");
  assert.deepEqual(
    data.map((m) => [m.channelId, m.logTime, new TextDecoder().decode(m.data)]),
    [
      [ch.id, 42n, "one"],
      [ch.id, 43n, "two"],
    ],
  );
  assert.deepEqual(ofOp(b.messages, "messageData"), []);
});

test("lossy data goes to the data plane only while a data subscriber exists", () => {
  const { channel, viewer, core, dataPlane } = setup();
  const ch = channel("/lossy");
  const a = viewer("alice");
  ch.log(bytes("x"));
  core.handleMessage(a, { op: "subscribe", channels: [{ id: ch.id }] });
  ch.log(bytes("y"), { logTime: 7n });
  core.handleMessage(a, { op: "unsubscribe", channelIds: [ch.id] });
  ch.log(bytes("z"));
  assert.deepEqual(
    dataPlane.lossy.map((m) => [m.channelId, new TextDecoder().decode(m.data), m.logTime]),
    [[ch.id, "y", 7n]],
  );
  assert.equal(ch.hasSinks(), false);
  assert.deepEqual(ofOp(a.messages, "messageData"), []);
});

test("the Context subscription follows the first and last subscriber of any kind", () => {
  const { channel, viewer, core, events } = setup();
  const ch = channel("/t");
  const a = viewer("alice");
  const b = viewer("bob");
  core.handleMessage(a, { op: "subscribe", channels: [{ id: ch.id }] });
  core.handleMessage(b, { op: "subscribe", channels: [{ id: ch.id }] });
  core.handleMessage(a, { op: "unsubscribe", channelIds: [ch.id] });
  assert.equal(ch.hasSinks(), true);
  core.handleMessage(b, { op: "unsubscribe", channelIds: [ch.id, 999] });
  assert.equal(ch.hasSinks(), false);
  assert.deepEqual(events, ["sub alice /t", "sub bob /t", "unsub alice /t", "unsub bob /t"]);
});

test("without video tracks in the transport, image channels are plain data channels", () => {
  const { channel, viewer, core } = setup();
  const cam = channel("/cam", {
    messageEncoding: "protobuf",
    schema: { name: "foxglove.RawImage", encoding: "protobuf", data: new Uint8Array([1]) },
  });
  const a = viewer("alice");
  assert.deepEqual(a.ofOp("advertise")[0]?.channels[0]?.metadata, undefined);
  core.handleMessage(a, { op: "subscribe", channels: [{ id: cam.id, requestVideoTrack: true }] });
  assert.deepEqual(
    a.ofOp("status").map((m) => m.message),
    [`Channel ${cam.id} does not support video transcoding`],
  );
});

test("video metadata from the first frame re-advertises the channel", () => {
  const { channel, viewer, core } = setup({}, undefined, { videoTracks: true });
  const cam = channel("/cam", {
    messageEncoding: "protobuf",
    schema: { name: "foxglove.RawImage", encoding: "protobuf", data: new Uint8Array([1]) },
  });
  const a = viewer("alice");
  a.take();
  core.setVideoMetadata(cam.id, { sourceEncoding: "rgb8", frameId: "cam" });
  core.setVideoMetadata(999, { sourceEncoding: "rgb8", frameId: "" });
  assert.deepEqual(
    a.ofOp("advertise").map((m) => m.channels.map((c) => c.metadata)),
    [
      [
        {
          "foxglove.hasVideoTrack": "true",
          "foxglove.videoSourceEncoding": "rgb8",
          "foxglove.videoFrameId": "cam",
        },
      ],
    ],
  );
});

test("video on a channel without video is refused with an error status and no subscription", () => {
  const { channel, viewer, core, events } = setup();
  const ch = channel("/t");
  const a = viewer("alice");
  core.handleMessage(a, {
    op: "subscribe",
    channels: [{ id: ch.id, requestVideoTrack: true }],
  });
  const statuses = ofOp(a.messages, "status");
  assert.deepEqual(statuses, [
    { op: "status", level: 2, message: `Channel ${ch.id} does not support video transcoding` },
  ]);
  assert.deepEqual(events, []);
  assert.equal(ch.hasSinks(), false);
});

test("video subscribers start and stop the video publisher and bypass the data plane", () => {
  const { channel, viewer, core, dataPlane, events } = setup({}, undefined, { videoTracks: true });
  const cam = channel("/cam", {
    messageEncoding: "protobuf",
    schema: { name: "foxglove.RawImage", encoding: "protobuf", data: new Uint8Array([1]) },
  });
  const a = viewer("alice");
  core.handleMessage(a, {
    op: "subscribe",
    channels: [{ id: cam.id, requestVideoTrack: true }],
  });
  cam.log(bytes("frame"));
  assert.deepEqual(dataPlane.video, [cam.id]);
  assert.deepEqual(dataPlane.lossy, []);
  core.handleMessage(a, { op: "subscribe", channels: [{ id: cam.id }] });
  cam.log(bytes("frame2"));
  assert.equal(dataPlane.lossy.length, 1);
  assert.deepEqual(dataPlane.calls, [
    `open ${cam.id}`,
    `startVideo ${cam.id}`,
    `stopVideo ${cam.id}`,
  ]);
  assert.deepEqual(events, ["sub alice /cam"]); // switching mode is not a new subscription
});

test("a typed camera watched only as video is taken unencoded; with a data subscriber it is encoded", () => {
  const { context, viewer, core, media } = setup({}, undefined, { videoTracks: true });
  let encoded = 0;
  const encoder: Encoder<{ n: number }> = {
    messageEncoding: "protobuf",
    schema: { name: "foxglove.RawImage", encoding: "protobuf", data: new Uint8Array([1]) },
    encode: (m) => {
      encoded++;
      return bytes(`frame ${m.n}`);
    },
  };
  const cam = new Channel("/cam", { context, encoder });
  const a = viewer("alice");
  core.handleMessage(a, { op: "subscribe", channels: [{ id: cam.id, requestVideoTrack: true }] });
  const first = { n: 1 };
  cam.log(first);
  assert.equal(encoded, 0);
  assert.deepEqual(media.videoMessages, [{ channelId: cam.id, message: first }]);
  assert.deepEqual(media.video, []);
  // Declined by the video side: encoded and pushed as bytes.
  media.takeMessages = false;
  cam.log({ n: 2 });
  assert.equal(encoded, 1);
  assert.deepEqual(media.video, [cam.id]);
  // A data subscriber needs the bytes: encoded once, for both.
  media.takeMessages = true;
  const b = viewer("bob");
  core.handleMessage(b, { op: "subscribe", channels: [{ id: cam.id }] });
  cam.log({ n: 3 });
  assert.equal(encoded, 2);
  assert.deepEqual(media.video, [cam.id, cam.id]);
  assert.equal(media.videoMessages.length, 1);
  // (An image channel is Lossy: its data goes through the media's data tracks.)
  assert.deepEqual(
    media.lossy.map((m) => [m.channelId, m.data]),
    [[cam.id, bytes("frame 3")]],
  );
});

test("suppressVideoTranscode opts image channels out of video; others start with their schema", () => {
  const { channel, viewer, core, media } = setup(
    { suppressVideoTranscode: (c) => c.topic === "/depth" },
    undefined,
    { videoTracks: true },
  );
  const image = {
    name: "foxglove.CompressedImage",
    encoding: "protobuf",
    data: new Uint8Array([1]),
  };
  const cam = channel("/cam", { messageEncoding: "protobuf", schema: image });
  const depth = channel("/depth", { messageEncoding: "protobuf", schema: image });
  const a = viewer("alice");
  const advertised = a.ofOp("advertise").flatMap((m) => [...m.channels]);
  const metadataOf = (id: number) => advertised.find((c) => c.id === id)?.metadata ?? {};
  assert.equal(metadataOf(cam.id)["foxglove.hasVideoTrack"], "true");
  assert.equal(metadataOf(depth.id)["foxglove.hasVideoTrack"], undefined);
  core.handleMessage(a, {
    op: "subscribe",
    channels: [
      { id: cam.id, requestVideoTrack: true },
      { id: depth.id, requestVideoTrack: true },
    ],
  });
  assert.deepEqual(media.calls, [`open ${cam.id}`, `open ${depth.id}`, `startVideo ${cam.id}`]);
  assert.deepEqual(media.videoSchemas.get(cam.id), { decoder: "protobuf", image: "compressed" });
  const statuses = a.messages.filter((m) => m.op === "status");
  assert.deepEqual(
    statuses.map((m) => (m.op === "status" ? m.message : "")),
    [`Channel ${depth.id} does not support video transcoding`],
  );
});

test("drop warnings: sent to data subscribers, replayed, retracted, swept, cleared on removal", () => {
  let now = 0;
  const { channel, viewer, core, dataPlane } = setup({}, undefined, { now: () => now });
  const ch = channel("/big");
  const a = viewer("alice");
  const b = viewer("bob");
  core.handleMessage(a, { op: "subscribe", channels: [{ id: ch.id }] });
  dataPlane.nextReport = { droppedSinceLast: 3, sizeLimit: 102400 };
  ch.log(new Uint8Array(10));
  const expected: Status = {
    op: "status",
    level: 1,
    id: `channel-drops-${ch.id}`,
    message: "Dropped 3 messages on topic /big: exceeds 100 KiB per-message size limit",
  };
  assert.deepEqual(ofOp(a.messages, "status"), [expected]);
  assert.deepEqual(ofOp(b.messages, "status"), []);
  // replay to a new data subscriber
  core.handleMessage(b, { op: "subscribe", channels: [{ id: ch.id }] });
  assert.deepEqual(ofOp(b.messages, "status"), [expected]);
  // targeted retraction on unsubscribe
  core.handleMessage(b, { op: "unsubscribe", channelIds: [ch.id] });
  assert.deepEqual(ofOp(b.messages, "removeStatus"), [
    { op: "removeStatus", statusIds: [`channel-drops-${ch.id}`] },
  ]);
  // sweep after 60 s idle: broadcast
  now = 59_999;
  core.sweepWarnings();
  now = 60_000;
  core.sweepWarnings();
  assert.equal(ofOp(a.messages, "removeStatus").length, 1);
  assert.equal(ofOp(b.messages, "removeStatus").length, 2);
  // channel removal: unadvertise + unconditional removeStatus
  ch.close();
  const tail = a.messages.slice(-2);
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
  core.handleMessage(a, { op: "subscribe", channels: [{ id: ch.id }] });
  core.handleMessage(b, { op: "subscribe", channels: [{ id: ch.id }] });
  events.length = 0;
  ch.close();
  assert.deepEqual(events.sort(), ["unsub alice /t", "unsub bob /t"]);
  assert.equal(core.channels.get(ch.id), undefined);
});

test("a leaving viewer's subscriptions, client channels and parameter subscriptions are cleaned up", () => {
  const { channel, viewer, core, events } = setup();
  const t1 = channel("/t1");
  const t2 = channel("/t2");
  const a = viewer("alice");
  const b = viewer("bob");
  core.handleMessage(a, { op: "subscribe", channels: [{ id: t1.id }, { id: t2.id }] });
  core.handleMessage(b, { op: "subscribe", channels: [{ id: t2.id }] });
  core.handleMessage(a, {
    op: "advertise",
    channels: [{ id: 5, topic: "/cmd", encoding: "json", schemaName: "" }],
  });
  core.handleMessage(a, {
    op: "subscribeParameterUpdates",
    parameterNames: ["p", "q"],
  });
  core.handleMessage(b, { op: "subscribeParameterUpdates", parameterNames: ["q"] });
  events.length = 0;
  assert.equal(core.disconnect(a), true);
  assert.equal(core.disconnect(a), false); // a late disconnect is stale
  assert.deepEqual(events, ["punsub p", "unsub alice /t1", "unsub alice /t2", "unadv alice /cmd"]);
  assert.equal(t1.hasSinks(), false);
  assert.equal(t2.hasSinks(), true);
  assert.equal(core.connectionCount, 1);
});

test("a disconnected connection's messages in flight create no state", () => {
  const { channel, viewer, core, events } = setup();
  const ch = channel("/t");
  const old = viewer("alice");
  core.handleMessage(old, { op: "subscribe", channels: [{ id: ch.id }] });
  events.length = 0;
  core.disconnect(old);
  assert.deepEqual(events, ["unsub alice /t"]);
  const fresh = viewer("alice");
  assert.deepEqual(fresh.ops(), ["serverInfo", "advertise"]);
  core.handleMessage(old, { op: "subscribe", channels: [{ id: ch.id }] });
  core.handleMessage(old, { op: "messageData", channelId: 1, data: bytes("x") });
  assert.deepEqual(core.channels.subscriberKeys(ch.id), []);
  assert.equal(ch.hasSinks(), false);
  assert.deepEqual(old.ofOp("status"), []);
  assert.equal(core.connect(fresh), false, "a connection is connected once");
});

test("close() runs every viewer's cleanup and leaves the Context; open() starts afresh", () => {
  const { channel, viewer, core, events, context } = setup();
  const ch = channel("/t");
  const a = viewer("alice");
  core.handleMessage(a, { op: "subscribe", channels: [{ id: ch.id }] });
  events.length = 0;
  core.close();
  assert.deepEqual(events, ["unsub alice /t"]);
  assert.equal(ch.hasSinks(), false);
  assert.equal(core.isOpen, false);
  assert.equal(core.connectionCount, 0);
  core.close(); // idempotent
  assert.equal(core.connect(new MemoryConnection("bob")), false);
  assert.equal(context.addSink(core), true); // it had left the Context
  context.removeSink(core.id);
  core.open({ serverName: "again" });
  assert.throws(() => core.open({ serverName: "twice" }), { code: "ERR_SERVER_ALREADY_STARTED" });
  const b = viewer("bob");
  assert.deepEqual(
    b.messages.map((m) => [m.op, m.op === "advertise" ? m.channels.map((c) => c.topic) : []]),
    [
      ["serverInfo", []],
      ["advertise", ["/t"]],
    ],
  );
});

test("client publish: capability gate, advertise, duplicate warning, data, unknown channel", () => {
  const without = setup({}, []);
  const v0 = without.viewer("carol");
  without.core.handleMessage(v0, {
    op: "advertise",
    channels: [{ id: 1, topic: "/cmd", encoding: "json", schemaName: "" }],
  });
  assert.deepEqual(ofOp(v0.messages, "status"), [
    { op: "status", level: 2, message: "Server does not support clientPublish capability" },
  ]);
  assert.deepEqual(without.events, []);

  const { viewer, core, events } = setup();
  const a = viewer("alice");
  const adv = {
    op: "advertise" as const,
    channels: [{ id: 1, topic: "/cmd", encoding: "json", schemaName: "teleop.Twist" }],
  };
  core.handleMessage(a, adv);
  core.handleMessage(a, adv);
  core.handleMessage(a, { op: "messageData", channelId: 1, data: bytes("go") });
  core.handleMessage(a, { op: "messageData", channelId: 9, data: bytes("?") });
  core.handleMessage(a, { op: "unadvertise", channelIds: [1, 1] });
  assert.deepEqual(events, ["adv alice /cmd", "data alice /cmd go", "unadv alice /cmd"]);
  assert.deepEqual(
    ofOp(a.messages, "status").map((s) => [s.level, s.message]),
    [
      [1, "Client is already advertising channel: 1; ignoring advertisement"],
      [2, "Client has not advertised channel: 9"],
    ],
  );
});

test("client publish: a name-only schema is kept; bad base64 schema is refused", () => {
  const seen: unknown[] = [];
  const { viewer, core } = setup({
    listener: { onClientAdvertise: (_c, ch) => seen.push(ch.schema) },
  });
  const a = viewer("alice");
  core.handleMessage(a, {
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
  const statuses = ofOp(a.messages, "status");
  assert.equal(statuses.length, 1);
  assert.match(statuses[0]!.message, /^Failed to decode schema for channel 2: /);
});

test("parameter update subscriptions report first and last subscribers", () => {
  const { viewer, core, events } = setup();
  const a = viewer("alice");
  const b = viewer("bob");
  core.handleMessage(a, {
    op: "subscribeParameterUpdates",
    parameterNames: ["x", "y"],
  });
  core.handleMessage(b, { op: "subscribeParameterUpdates", parameterNames: ["x"] });
  core.handleMessage(a, {
    op: "unsubscribeParameterUpdates",
    parameterNames: ["x", "y"],
  });
  core.handleMessage(b, { op: "unsubscribeParameterUpdates", parameterNames: ["x"] });
  assert.deepEqual(events, ["psub x,y", "punsub y", "punsub x"]);
});

test("parameter subscriptions without the capability are refused", () => {
  const { viewer, core, events } = setup({}, []);
  const a = viewer("alice");
  core.handleMessage(a, { op: "subscribeParameterUpdates", parameterNames: ["x"] });
  assert.deepEqual(events, []);
  assert.deepEqual(
    ofOp(a.messages, "status").map((s) => s.message),
    ["Server does not support parametersSubscribe capability"],
  );
});

test("ping is answered with a pong echoing the viewer's timestamp", () => {
  const { viewer, core } = setup();
  const a = viewer("alice");
  const before = BigInt(Date.now());
  core.handleMessage(a, { op: "ping", appTimestamp: 1711500000000n });
  const pong = ofOp(a.messages, "pong")[0];
  assert.equal(pong?.appTimestamp, 1711500000000n);
  assert.ok(pong.deviceTimestamp >= before && pong.deviceTimestamp <= BigInt(Date.now()));
  core.handleMessage(a, { op: "pingAck", deviceTimestamp: BigInt(Date.now()) - 5n });
  core.handleMessage(a, { op: "pingAck", deviceTimestamp: BigInt(Date.now()) - 7n });
  assert.ok(core.pingRtt.ewma !== undefined && core.pingRtt.ewma >= 7);
});

test("a throwing listener does not break the session", () => {
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
  core.handleMessage(a, { op: "subscribe", channels: [{ id: ch.id }] });
  ch.log(bytes("still delivered"));
  assert.equal(ofOp(a.messages, "messageData").length, 1);
});

test("viewer messages gated by capabilities not announced are refused as the spec says", () => {
  const { viewer, core } = setup({}, []);
  const a = viewer("alice");
  core.handleMessage(a, {
    op: "serviceCallRequest",
    serviceId: 3,
    callId: 9,
    encoding: "json",
    data: bytes("{}"),
  });
  core.handleMessage(a, { op: "fetchAsset", requestId: 1, uri: "package://x" });
  core.handleMessage(a, { op: "getParameters", parameterNames: [] });
  core.handleMessage(a, { op: "subscribeConnectionGraph" });
  const ms = a.messages.slice(1);
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
