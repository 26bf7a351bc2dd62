// The gateway session against a real livekit-server: a device room running Session, and viewers
// built on the LiveKit adapter speaking the protocol over real byte streams and data tracks.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { ChannelDescriptor } from "../src/core/ChannelDescriptor.js";
import { Context } from "../src/core/Context.js";
import { RawChannel } from "../src/core/RawChannel.js";
import { Session, type SessionOptions } from "../src/gateway/session/Session.js";
import type { SessionRoom } from "../src/gateway/session/SessionRoom.js";
import { ViewerHub } from "../src/remote/ViewerHub.js";
import type { ViewerHubOptions } from "../src/remote/ViewerHubOptions.js";
import type { ViewerListener } from "../src/remote/ViewerListener.js";
import { shutdownLiveKit, type DataTrackFrame, type LiveKitRoom } from "../src/livekit/index.js";
import { decodeDataTrackFrame } from "../src/protocol/index.js";
import { startLiveKitServer, type TestLiveKitServer } from "./helpers/livekitServer.js";
import { TestViewer } from "./helpers/TestViewer.js";
import { Waiter } from "./helpers/Waiter.js";

let server: TestLiveKitServer;
before(async () => {
  server = await startLiveKitServer("session");
});
after(async () => {
  await server?.stop();
  await shutdownLiveKit(); // the native LiveKit layer would otherwise keep the process alive
});

const text = (s: string) => new TextEncoder().encode(s);
const str = (b: Uint8Array) => new TextDecoder().decode(b);

/** A device in `roomName` running a session over a fresh Context, plus cleanup. */
async function device(
  roomName: string,
  extra: Partial<SessionOptions> = {},
  hubOptions: ViewerHubOptions = {},
) {
  const room: LiveKitRoom = await server.join(roomName, "device");
  const sessionRoom: SessionRoom = room; // the adapter satisfies the session's interface
  const context = new Context();
  const events = new Waiter<string>();
  const listener: ViewerListener = {
    onSubscribe: (c, ch) => events.push(`sub ${c.identity} ${ch.topic}`),
    onUnsubscribe: (c, ch) => events.push(`unsub ${c.identity} ${ch.topic}`),
    onClientAdvertise: (c, ch) => events.push(`adv ${c.identity} ${ch.topic}`),
    onMessageData: (c, ch, p) => events.push(`data ${c.identity} ${ch.topic} ${str(p)}`),
  };
  const hub = new ViewerHub({
    context,
    capabilities: ["clientPublish"],
    supportedEncodings: ["json"],
    listener,
    qosClassifier: (ch: ChannelDescriptor) => ({
      reliability: ch.topic.startsWith("/rel") ? "reliable" : "lossy",
    }),
    ...hubOptions,
  });
  const session = Session.start({
    room: sessionRoom,
    hub,
    serverName: "test-device",
    sessionId: roomName,
    ...extra,
  });
  const viewers: TestViewer[] = [];
  return {
    room,
    context,
    session,
    events,
    channel: (topic: string) => new RawChannel(topic, { context, messageEncoding: "json" }),
    viewer: async (identity: string, protocolVersion?: string) => {
      const v = await TestViewer.join(server, roomName, identity, "device", protocolVersion);
      viewers.push(v);
      return v;
    },
    async [Symbol.asyncDispose]() {
      await session.stop();
      await Promise.all(viewers.map((v) => v.close()));
      await room.close();
    },
  };
}

test("a viewer gets serverInfo, then the advertisement; reliable data flows only after subscribe", async () => {
  await using d = await device("join-and-reliable");
  const rel = d.channel("/rel/status");
  d.channel("/lossy/points");
  const v = await d.viewer("viewer-1");
  await v.waitFor("advertise");
  const [info, advertise] = v.messages();
  assert.equal(info?.op, "serverInfo");
  assert.ok(info.op === "serverInfo");
  assert.equal(info.name, "test-device");
  assert.deepEqual(info.capabilities, ["clientPublish"]);
  assert.deepEqual(info.supportedEncodings, ["json"]);
  assert.equal(info.sessionId, "join-and-reliable");
  assert.ok(advertise?.op === "advertise");
  assert.deepEqual(
    advertise.channels.map((c) => [c.topic, c.metadata]),
    [
      ["/rel/status", { "foxglove.reliable": "true" }],
      ["/lossy/points", undefined],
    ],
  );

  rel.log(text("before subscribe"));
  await v.send({ op: "subscribe", channels: [{ id: rel.id }] });
  await d.events.waitFor((e) => e === "sub viewer-1 /rel/status");
  rel.log(text("one"), { logTime: 1_000n });
  rel.log(text("two"), { logTime: 2_000n });
  await v.waitFor("messageData", (m) => str(m.data) === "two");
  const data = v.messages().filter((m) => m.op === "messageData");
  assert.deepEqual(
    data.map((m) => (m.op === "messageData" ? [m.channelId, m.logTime, str(m.data)] : [])),
    [
      [rel.id, 1_000n, "one"],
      [rel.id, 2_000n, "two"],
    ],
  );
});

test("a lossy channel's data-ch-<id> track carries sequenced frames with the log time", async () => {
  await using d = await device("lossy");
  const ch = d.channel("/lossy/scan");
  const v = await d.viewer("viewer-1");
  await v.waitFor("advertise"); // a viewer may only send once it has been admitted
  const track = await v.dataTracks.waitFor((t) => t.name === `data-ch-${ch.id}`);
  const frames = new Waiter<DataTrackFrame>();
  await using sub = track.subscribe();
  void (async () => {
    for await (const f of sub) {
      frames.push(f);
    }
  })();
  await v.send({ op: "subscribe", channels: [{ id: ch.id }] });
  await d.events.waitFor((e) => e === "sub viewer-1 /lossy/scan");
  // Frames are lossy and the track subscription starts asynchronously: log until some arrive.
  let logTime = 1_700_000_000_000_000_000n;
  for (let i = 0; frames.items.length < 3 && i < 200; i++) {
    d.room.signal.throwIfAborted();
    ch.log(text(`scan ${i}`), { logTime: ++logTime });
    await frames.waitFor(() => frames.items.length >= 3, 50).catch(() => undefined);
  }
  assert.ok(frames.items.length >= 3, "frames arrived on the data track");
  const decoded = frames.items.map((f) => ({
    ...decodeDataTrackFrame(f.payload),
    ts: f.userTimestamp,
  }));
  const offsets = new Set<number>();
  for (const f of decoded) {
    const i = Number(str(f.data).split(" ")[1]);
    assert.equal(f.ts, 1_700_000_000_000_000_000n + BigInt(i) + 1n, "user timestamp = log time");
    offsets.add(i - f.sequence);
  }
  // every frame handed to the track consumed the next sequence number
  assert.equal(
    offsets.size,
    1,
    `sequence numbers follow the logged messages: ${[...offsets].join(",")}`,
  );
});

test("an oversized lossy message is dropped and reported to the data subscriber", async () => {
  await using d = await device("oversized", { maxDataTrackMessageSize: 1200 });
  const ch = d.channel("/lossy/cloud");
  const v = await d.viewer("viewer-1");
  await v.waitFor("advertise");
  await v.send({ op: "subscribe", channels: [{ id: ch.id }] });
  await d.events.waitFor((e) => e === "sub viewer-1 /lossy/cloud");
  ch.log(new Uint8Array(1201));
  ch.log(new Uint8Array(5000)); // within the 30 s throttle: counted, not reported yet
  const warning = await v.waitFor("status");
  assert.deepEqual(warning, {
    op: "status",
    level: 1,
    id: `channel-drops-${ch.id}`,
    message: "Dropped 1 message on topic /lossy/cloud: exceeds 1.17 KiB per-message size limit",
  });
  await v.send({ op: "unsubscribe", channelIds: [ch.id] });
  const removed = await v.waitFor("removeStatus");
  assert.deepEqual(removed.statusIds, [`channel-drops-${ch.id}`]);
});

test("an incompatible viewer gets exactly one error status and is not admitted", async () => {
  await using d = await device("version-gate");
  const old = await d.viewer("viewer-3", "3.0.0");
  const status = await old.waitFor("status");
  assert.deepEqual(status, {
    op: "status",
    level: 2,
    message:
      "Remote access protocol version 3.0.0 is not compatible with this device (supported: 2.2.0)",
  });
  const ok = await d.viewer("viewer-ok");
  await ok.waitFor("serverInfo");
  assert.equal(d.session.participant("viewer-3"), undefined);
  assert.equal(d.session.participant("viewer-ok")?.identity, "viewer-ok");
  assert.deepEqual(
    old.messages().map((m) => m.op),
    ["status"],
  );
});

test("client publish: advertise and MessageData reach the listener", async () => {
  await using d = await device("client-publish");
  const v = await d.viewer("viewer-1");
  await v.waitFor("serverInfo");
  await v.send({
    op: "advertise",
    channels: [{ id: 7, topic: "/cmd_vel", encoding: "json", schemaName: "" }],
  });
  await v.send({ op: "messageData", channelId: 7, data: text('{"x":1}') });
  await d.events.waitFor((e) => e === 'data viewer-1 /cmd_vel {"x":1}');
  assert.deepEqual(d.events.items, ["adv viewer-1 /cmd_vel", 'data viewer-1 /cmd_vel {"x":1}']);
});

test("a viewer that leaves is cleaned up: onUnsubscribe, Context unsubscribed", async () => {
  await using d = await device("leave");
  const ch = d.channel("/rel/a");
  const v = await d.viewer("viewer-1");
  await v.waitFor("advertise");
  await v.send({ op: "subscribe", channels: [{ id: ch.id }] });
  await d.events.waitFor((e) => e === "sub viewer-1 /rel/a");
  assert.equal(ch.hasSinks(), true);
  await v.close();
  await d.events.waitFor((e) => e === "unsub viewer-1 /rel/a");
  assert.equal(ch.hasSinks(), false);
  assert.equal(d.session.participantCount, 0);
});

test("an overflowing control queue resets the viewer on a fresh control stream", async () => {
  await using d = await device("reset", { messageBacklogSize: 4 });
  const ch = d.channel("/rel/flood");
  const v = await d.viewer("viewer-1");
  await v.waitFor("advertise");
  await v.send({ op: "subscribe", channels: [{ id: ch.id }] });
  await d.events.waitFor((e) => e === "sub viewer-1 /rel/flood");
  for (let i = 0; i < 20; i++) {
    ch.log(text(`m${i}`)); // synchronous burst: more than 4 frames queued at once
  }
  await d.events.waitFor((e) => e === "unsub viewer-1 /rel/flood");
  const again = await v.received.waitFor((r) => r.stream > 0 && r.message.op === "serverInfo");
  assert.ok(again.stream >= 1);
  assert.equal(d.session.participant("viewer-1")?.identity, "viewer-1");
  assert.equal(ch.hasSinks(), false, "the viewer must resubscribe after a reset");
});

test("closing a channel unadvertises it; stop() ends the session with every unsubscribe", async () => {
  await using d = await device("teardown");
  const a = d.channel("/rel/a");
  const b = d.channel("/rel/b");
  const v = await d.viewer("viewer-1");
  await v.waitFor("advertise");
  await v.send({ op: "subscribe", channels: [{ id: a.id }, { id: b.id }] });
  await d.events.waitFor((e) => e === "sub viewer-1 /rel/b");
  a.close();
  await v.waitFor("unadvertise", (m) => m.channelIds.includes(a.id));
  await d.events.waitFor((e) => e === "unsub viewer-1 /rel/a");
  await d.session.stop();
  assert.equal(await d.session.done, "stopped");
  assert.ok(d.events.items.includes("unsub viewer-1 /rel/b"));
  assert.equal(b.hasSinks(), false);
});
