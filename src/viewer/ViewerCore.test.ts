import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { AdvertisedChannel, ClientMessage, ServerMessage } from "../protocol/index.js";
import { Emitter } from "./Emitter.js";
import { ViewerCore } from "./ViewerCore.js";
import type { ViewerEvents } from "./ViewerEvents.js";
import type { ViewerMessage } from "./ViewerMessage.js";

const ch = (id: number, topic: string, reliable = false): AdvertisedChannel => ({
  id,
  topic,
  encoding: "json",
  schemaName: "",
  schema: "",
  ...(reliable ? { metadata: { "foxglove.reliable": "true" } } : {}),
});
const bytes = (s: string) => new TextEncoder().encode(s);

function setup(videoChannels: Set<number> = new Set()) {
  const sent: ClientMessage[] = [];
  const tracks: string[] = [];
  const events = new Emitter<ViewerEvents>();
  const seen: string[] = [];
  events.on("channels", (list, change) =>
    seen.push(
      `channels ${list.map((c) => c.id).join(",")} +${change.added.length} ~${change.replaced.length} -${change.removed.length}`,
    ),
  );
  events.on("reset", () => seen.push("reset"));
  events.on("error", (e) => seen.push(`error ${e.code}`));
  const core = new ViewerCore({
    events,
    videoChannels: {
      has: (id) => videoChannels.has(id),
      claims: (channel) => videoChannels.has(channel.id),
    },
    effects: {
      send: (m) => sent.push(m),
      openDataTrack: (id) => tracks.push(`open ${id}`),
      closeDataTrack: (id) => tracks.push(`close ${id}`),
    },
  });
  const handle = (m: ServerMessage) => core.handleMessage(m);
  const take = <T>(a: T[]) => a.splice(0);
  return { core, sent, tracks, seen, events, handle, take };
}

async function next(sub: AsyncIterable<ViewerMessage>): Promise<ViewerMessage> {
  const r = await sub[Symbol.asyncIterator]().next();
  assert.equal(r.done, false);
  return r.value;
}

describe("ViewerCore", () => {
  test("a topic subscription waits for its channel, then subscribes and receives its data track", () => {
    const { core, sent, tracks, handle, take } = setup();
    const sub = core.subscribe({ kind: "topic", topic: "/imu" });
    assert.deepEqual(sent, []);
    handle({ op: "serverInfo", name: "d", capabilities: [] });
    handle({ op: "advertise", channels: [ch(3, "/imu"), ch(4, "/battery", true)] });
    assert.deepEqual(take(sent), [
      { op: "subscribe", channels: [{ id: 3, requestVideoTrack: false }] },
    ]);
    assert.deepEqual(take(tracks), ["open 3"]);
    assert.deepEqual(
      sub.channels.map((c) => c.id),
      [3],
    );
    assert.deepEqual(core.subscribedChannelIds, [3]);
  });

  test("reads schema-table advertisements; the table is cleared on every serverInfo", () => {
    const { core, seen, handle, take } = setup();
    handle({ op: "serverInfo", name: "d", capabilities: [] });
    handle({
      op: "advertise",
      schemas: [{ id: 1, name: "S", encoding: "jsonschema", data: "{}" }],
      channels: [
        { id: 1, topic: "/a", encoding: "json", schemaId: 1 },
        { id: 2, topic: "/b", encoding: "json" },
      ],
    });
    handle({
      op: "advertise",
      schemas: [],
      channels: [{ id: 3, topic: "/c", encoding: "json", schemaId: 1 }],
    });
    assert.deepEqual(
      core.channels.map((c) => [c.id, c.schemaName, c.schema?.encoding]),
      [
        [1, "S", "jsonschema"],
        [2, "", undefined],
        [3, "S", "jsonschema"],
      ],
    );
    take(seen);
    // A new control stream starts with serverInfo: ids defined before it are unknown.
    handle({ op: "serverInfo", name: "d", capabilities: [] });
    handle({
      op: "advertise",
      schemas: [],
      channels: [{ id: 4, topic: "/d", encoding: "json", schemaId: 1 }],
    });
    assert.deepEqual(take(seen), ["error ERR_DECODE"]);
    assert.equal(core.channel(4), undefined);
  });

  test("a Reliable channel is subscribed without a data track and fed by MessageData", async () => {
    const { core, sent, tracks, handle, take } = setup();
    handle({ op: "advertise", channels: [ch(4, "/battery", true)] });
    const sub = core.subscribe({ kind: "topic", topic: "/battery" });
    assert.deepEqual(take(sent), [
      { op: "subscribe", channels: [{ id: 4, requestVideoTrack: false }] },
    ]);
    assert.deepEqual(tracks, []);
    handle({ op: "messageData", channelId: 4, logTime: 42n, data: bytes("x") });
    const m = await next(sub);
    assert.equal(m.logTime, 42n);
    assert.equal(m.source, "controlStream");
    assert.equal(m.channel.topic, "/battery");
    // A data-track frame claiming to be this Reliable channel is dropped.
    assert.equal(core.handleDataTrackMessage(4, bytes("y"), 1n, 0, 0), false);
  });

  test("data-track messages reach only subscribed Lossy channels and carry sequence and losses", async () => {
    const { core, handle } = setup();
    handle({ op: "advertise", channels: [ch(1, "/a"), ch(2, "/b")] });
    const sub = core.subscribe({ kind: "channel", id: 1 });
    assert.equal(core.handleDataTrackMessage(1, bytes("1"), 7n, 9, 2), true);
    assert.equal(core.handleDataTrackMessage(2, bytes("2"), 7n, 0, 0), false); // not subscribed
    assert.equal(core.handleDataTrackMessage(99, bytes("3"), 7n, 0, 0), false); // unknown
    handle({ op: "messageData", channelId: 2, logTime: 1n, data: bytes("z") }); // not subscribed
    assert.equal(core.ignoredMessages, 3);
    const m = await next(sub);
    assert.equal(m.source, "dataTrack");
    assert.equal(m.sequence, 9);
    assert.equal(sub.lost, 2);
  });

  test("subscriptions share the device subscription; the last one out unsubscribes", () => {
    const { core, sent, tracks, handle, take } = setup();
    handle({ op: "advertise", channels: [ch(1, "/a")] });
    const s1 = core.subscribe({ kind: "topic", topic: "/a" });
    const s2 = core.subscribe({ kind: "channel", id: 1 });
    assert.equal(take(sent).length, 1);
    s1.unsubscribe();
    assert.deepEqual(sent, []);
    core.handleDataTrackMessage(1, bytes("x"), 1n, 0, 0);
    assert.equal(s2.received, 1);
    assert.equal(s1.received, 0);
    s2.unsubscribe();
    assert.deepEqual(take(sent), [{ op: "unsubscribe", channelIds: [1] }]);
    assert.deepEqual(take(tracks), ["open 1", "close 1"]);
    assert.deepEqual(core.subscribedChannelIds, []);
  });

  test("unadvertise ends channel subscriptions; topic subscriptions come back with the topic", async () => {
    const { core, sent, tracks, handle, take, seen } = setup();
    handle({ op: "advertise", channels: [ch(1, "/a")] });
    const byId = core.subscribe({ kind: "channel", id: 1 });
    const byTopic = core.subscribe({ kind: "topic", topic: "/a" });
    take(sent);
    handle({ op: "unadvertise", channelIds: [1] });
    assert.deepEqual(sent, []); // the device already dropped the subscription
    assert.deepEqual(take(tracks), ["open 1", "close 1"]);
    assert.equal(byId.active, false);
    assert.equal((await byId[Symbol.asyncIterator]().next()).done, true);
    assert.equal(byTopic.active, true);
    assert.equal(byTopic.channels.length, 0);
    handle({ op: "advertise", channels: [ch(5, "/a")] });
    assert.deepEqual(take(sent), [
      { op: "subscribe", channels: [{ id: 5, requestVideoTrack: false }] },
    ]);
    assert.deepEqual(
      byTopic.channels.map((c) => c.id),
      [5],
    );
    assert.deepEqual(seen, ["channels 1 +1 ~0 -0", "channels  +0 ~0 -1", "channels 5 +1 ~0 -0"]);
  });

  test("a replaced channel follows changes of reliability and topic", () => {
    const { core, sent, tracks, handle, take } = setup();
    handle({ op: "advertise", channels: [ch(1, "/a")] });
    const sub = core.subscribe({ kind: "topic", topic: "/a" });
    take(sent);
    take(tracks);
    handle({ op: "advertise", channels: [ch(1, "/a", true)] });
    assert.deepEqual(take(tracks), ["close 1"]);
    assert.equal(sub.channels[0]!.reliable, true);
    handle({ op: "advertise", channels: [ch(1, "/a")] });
    assert.deepEqual(take(tracks), ["open 1"]);
    assert.deepEqual(sent, []);
    handle({ op: "advertise", channels: [ch(1, "/renamed")] });
    assert.deepEqual(take(sent), [{ op: "unsubscribe", channelIds: [1] }]);
    assert.deepEqual(take(tracks), ["close 1"]);
    assert.equal(sub.channels.length, 0);
  });

  test("a reset forgets channels, services and statuses; subscriptions renew on re-advertise", () => {
    const { core, sent, tracks, handle, take, seen } = setup();
    handle({ op: "serverInfo", name: "d", capabilities: [] });
    handle({ op: "advertise", channels: [ch(1, "/a"), ch(2, "/b", true)] });
    handle({ op: "advertiseServices", services: [{ id: 1, name: "/s", type: "t" }] });
    handle({ op: "status", level: 1, message: "hot", id: "temp" });
    const a = core.subscribe({ kind: "topic", topic: "/a" });
    const b = core.subscribe({ kind: "channel", id: 2 });
    take(sent);
    take(tracks);
    seen.length = 0;
    core.reset();
    assert.equal(core.serverInfo, undefined);
    assert.deepEqual(core.channels, []);
    assert.deepEqual(core.services, []);
    assert.deepEqual(core.statuses, []);
    assert.deepEqual(core.subscribedChannelIds, []);
    assert.deepEqual(take(tracks), ["close 1"]);
    assert.deepEqual(seen, ["reset", "channels  +0 ~0 -2"]);
    assert.deepEqual(sent, []);
    assert.equal(a.active && b.active, true);
    handle({ op: "serverInfo", name: "d", capabilities: [] });
    handle({ op: "advertise", channels: [ch(1, "/a"), ch(2, "/b", true)] });
    assert.deepEqual(take(sent), [
      {
        op: "subscribe",
        channels: [
          { id: 1, requestVideoTrack: false },
          { id: 2, requestVideoTrack: false },
        ],
      },
    ]);
    assert.deepEqual(take(tracks), ["open 1"]);
  });

  test("statuses with an id are kept until removed; services are tracked", () => {
    const { core, handle, events } = setup();
    const statuses: string[] = [];
    events.on("status", (s) => statuses.push(s.message));
    events.on("removeStatus", (ids) => statuses.push(`-${ids.join(",")}`));
    handle({ op: "status", level: 0, message: "hello" });
    handle({ op: "status", level: 1, message: "a", id: "x" });
    handle({ op: "status", level: 2, message: "b", id: "x" });
    assert.deepEqual(
      core.statuses.map((s) => s.message),
      ["b"],
    );
    handle({ op: "removeStatus", statusIds: ["x", "unknown"] });
    assert.deepEqual(core.statuses, []);
    assert.deepEqual(statuses, ["hello", "a", "b", "-x,unknown"]);
    handle({
      op: "advertiseServices",
      services: [
        { id: 2, name: "/s2", type: "t" },
        { id: 1, name: "/s1", type: "t" },
      ],
    });
    handle({ op: "unadvertiseServices", serviceIds: [2] });
    assert.deepEqual(
      core.services.map((s) => s.name),
      ["/s1"],
    );
  });

  test("a pong resolves its ping and is acknowledged; a stray pong is not", async () => {
    const { core, sent, handle, take } = setup();
    const rtt = core.startPing(1000);
    const [ping] = take(sent);
    assert.equal(ping!.op, "ping");
    const appTimestamp = (ping as { appTimestamp: bigint }).appTimestamp;
    handle({ op: "pong", appTimestamp: appTimestamp + 100n, deviceTimestamp: 5n });
    assert.deepEqual(sent, []);
    handle({ op: "pong", appTimestamp, deviceTimestamp: 77n });
    assert.deepEqual(take(sent), [{ op: "pingAck", deviceTimestamp: 77n }]);
    assert.ok((await rtt) >= 0);
  });

  test("bad channels in an advertise are reported and the rest applied", () => {
    const { core, handle, seen } = setup();
    handle({
      op: "advertise",
      channels: [
        { ...ch(1, "/pb"), schemaEncoding: "protobuf", schemaName: "x", schema: "@@" },
        ch(2, "/ok"),
      ],
    });
    assert.deepEqual(seen, ["error ERR_DECODE", "channels 2 +1 ~0 -0"]);
    assert.deepEqual(
      core.channels.map((c) => c.id),
      [2],
    );
  });

  test("subscribing to an unknown channel id throws; close ends everything", async () => {
    const { core, handle, sent, take } = setup();
    assert.throws(() => core.subscribe({ kind: "channel", id: 1 }), { code: "ERR_VALUE" });
    handle({ op: "advertise", channels: [ch(1, "/a")] });
    const sub = core.subscribe({ kind: "topic", topic: "/a" });
    const rtt = core.startPing(1000);
    take(sent);
    core.close();
    assert.equal(sub.active, false);
    await assert.rejects(rtt, { code: "ERR_CHANNEL_CLOSED" });
    assert.throws(() => core.subscribe({ kind: "topic", topic: "/a" }), {
      code: "ERR_CHANNEL_CLOSED",
    });
    sub.unsubscribe();
    assert.deepEqual(sent, []);
  });

  test("an aborted signal unsubscribes", () => {
    const { core, handle, sent, take } = setup();
    handle({ op: "advertise", channels: [ch(1, "/a")] });
    const ac = new AbortController();
    const sub = core.subscribe({ kind: "topic", topic: "/a" }, { signal: ac.signal });
    take(sent);
    ac.abort();
    assert.equal(sub.active, false);
    assert.deepEqual(take(sent), [{ op: "unsubscribe", channelIds: [1] }]);
  });

  test("channels received as video are left alone by data subscriptions", () => {
    const video = new Set([5]);
    const { core, sent, tracks, handle, take } = setup(video);
    handle({ op: "serverInfo", name: "d", capabilities: [] });
    handle({ op: "advertise", channels: [ch(5, "/cam"), ch(6, "/cam")] });
    assert.throws(() => core.subscribe({ kind: "channel", id: 5 }), {
      code: "ERR_VALUE",
      message: /subscribed as video/,
    });
    core.subscribe({ kind: "topic", topic: "/cam" });
    assert.deepEqual(take(sent), [
      { op: "subscribe", channels: [{ id: 6, requestVideoTrack: false }] },
    ]);
    assert.deepEqual(take(tracks), ["open 6"]);
    // A re-advertisement of the video channel (new video metadata) does not bind it either.
    handle({ op: "advertise", channels: [ch(5, "/cam")] });
    assert.deepEqual(take(sent), []);
    assert.deepEqual(core.subscribedChannelIds, [6]);
  });
});
