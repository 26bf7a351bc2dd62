import assert from "node:assert/strict";
import { test } from "node:test";
import { ChannelRegistry } from "./ChannelRegistry.js";
import type { ChannelPlan } from "./planChannels.js";
import { testChannel } from "./testing/testChannel.js";

const VIDEO = { decoder: "protobuf", image: "raw" } as const;
function plan(id: number, extra: Partial<ChannelPlan> = {}): ChannelPlan {
  return {
    channel: testChannel(id),
    reliability: "lossy",
    videoSchema: undefined,
    schemaText: "",
    ...extra,
  };
}
function registry(...plans: ChannelPlan[]): ChannelRegistry {
  const r = new ChannelRegistry();
  for (const p of plans) {
    r.insert(p);
  }
  return r;
}
const ids = (channels: { id: number }[]) => channels.map((c) => c.id);

// Subscribe / unsubscribe

test("the first subscriber is reported", () => {
  const r = registry(plan(1));
  const c = r.subscribe(101, [{ id: 1 }]);
  assert.deepEqual(ids(c.firstSubscribed), [1]);
  assert.deepEqual(
    c.newlySubscribed.map((n) => [n.channel.id, n.video]),
    [[1, false]],
  );
});

test("a second subscriber is not reported as first", () => {
  const r = registry(plan(1));
  r.subscribe(101, [{ id: 1 }]);
  const c = r.subscribe(102, [{ id: 1 }]);
  assert.deepEqual(c.firstSubscribed, []);
  assert.deepEqual(ids(c.newlySubscribed.map((n) => n.channel)), [1]);
});

test("a duplicate subscribe is idempotent", () => {
  const r = registry(plan(1));
  r.subscribe(101, [{ id: 1 }]);
  const c = r.subscribe(101, [{ id: 1 }, { id: 1 }]);
  assert.deepEqual(c.firstSubscribed, []);
  assert.deepEqual(c.newlySubscribed, []);
  assert.deepEqual(r.subscriberKeys(1), [101]);
});

test("several channels can be subscribed at once", () => {
  const r = registry(plan(1), plan(2), plan(3));
  const c = r.subscribe(101, [{ id: 1 }, { id: 3 }]);
  assert.deepEqual(ids(c.firstSubscribed), [1, 3]);
  assert.deepEqual(r.subscriberKeys(2), []);
});

test("the last unsubscriber is reported", () => {
  const r = registry(plan(1));
  r.subscribe(101, [{ id: 1 }]);
  const c = r.unsubscribe(101, [1]);
  assert.deepEqual(ids(c.lastUnsubscribed), [1]);
  assert.deepEqual(ids(c.unsubscribed), [1]);
});

test("unsubscribing with remaining subscribers is not reported as last", () => {
  const r = registry(plan(1));
  r.subscribe(101, [{ id: 1 }]);
  r.subscribe(102, [{ id: 1 }]);
  const c = r.unsubscribe(101, [1]);
  assert.deepEqual(c.lastUnsubscribed, []);
  assert.deepEqual(ids(c.unsubscribed), [1]);
  assert.deepEqual(r.subscriberKeys(1), [102]);
});

test("unsubscribing when not subscribed (or from unknown channels) is a no-op", () => {
  const r = registry(plan(1));
  r.subscribe(102, [{ id: 1 }]);
  assert.deepEqual(r.unsubscribe(101, [1, 99]), {
    lastUnsubscribed: [],
    unsubscribed: [],
    lastVideo: [],
  });
  assert.deepEqual(r.subscriberKeys(1), [102]);
});

test("unknown channel IDs are ignored and reported, the rest of the batch applies", () => {
  const r = registry(plan(1));
  const c = r.subscribe(101, [{ id: 42 }, { id: 1 }]);
  assert.deepEqual(c.unknown, [42]);
  assert.deepEqual(ids(c.firstSubscribed), [1]);
  assert.equal(r.get(42), undefined);
});

// Video subscribers

test("the first video subscriber is reported", () => {
  const r = registry(plan(1, { videoSchema: VIDEO }));
  const c = r.subscribe(101, [{ id: 1, requestVideoTrack: true }]);
  assert.deepEqual(c.firstVideo, [1]);
  assert.deepEqual(ids(c.firstSubscribed), [1]);
  assert.deepEqual(
    c.newlySubscribed.map((n) => n.video),
    [true],
  );
  assert.deepEqual(r.subscribe(102, [{ id: 1, requestVideoTrack: true }]).firstVideo, []);
});

test("the last video unsubscriber is reported", () => {
  const r = registry(plan(1, { videoSchema: VIDEO }));
  r.subscribe(101, [{ id: 1, requestVideoTrack: true }]);
  const c = r.unsubscribe(101, [1]);
  assert.deepEqual(c.lastVideo, [1]);
  assert.deepEqual(ids(c.lastUnsubscribed), [1]);
});

test("a video-only subscriber is not a data subscriber", () => {
  const r = registry(plan(1, { videoSchema: VIDEO }));
  r.subscribe(101, [{ id: 1, requestVideoTrack: true }]);
  r.subscribe(102, [{ id: 1 }]);
  assert.deepEqual(r.dataSubscriberKeys(1), [102]);
  assert.equal(r.dataSubscriberCount(1), 1);
  assert.deepEqual(r.subscriberKeys(1).sort(), [101, 102]);
});

test("switching from video to data reports last video only and makes a data subscriber", () => {
  const r = registry(plan(1, { videoSchema: VIDEO }));
  r.subscribe(101, [{ id: 1, requestVideoTrack: true }]);
  const c = r.subscribe(101, [{ id: 1, requestVideoTrack: false }]);
  assert.deepEqual(c.lastVideo, [1]);
  assert.deepEqual(c.firstSubscribed, []);
  assert.deepEqual(c.newlySubscribed, []);
  assert.deepEqual(r.dataSubscriberKeys(1), [101]);
  const back = r.subscribe(101, [{ id: 1, requestVideoTrack: true }]);
  assert.deepEqual(back.firstVideo, [1]);
  assert.deepEqual(back.newlySubscribed, []);
  assert.equal(r.dataSubscriberCount(1), 0);
});

test("video on a channel without a video schema is rejected, no subscription", () => {
  const r = registry(plan(1), plan(2));
  const c = r.subscribe(101, [{ id: 1, requestVideoTrack: true }, { id: 2 }]);
  assert.deepEqual(c.videoUnsupported, [1]);
  assert.deepEqual(ids(c.firstSubscribed), [2]);
  assert.deepEqual(r.subscriberKeys(1), []);
});

test("for a repeated ID in one request the last entry wins", () => {
  const r = registry(plan(1, { videoSchema: VIDEO }));
  const c = r.subscribe(101, [{ id: 1, requestVideoTrack: true }, { id: 1 }]);
  assert.deepEqual(c.firstVideo, []);
  assert.deepEqual(c.lastVideo, []);
  assert.deepEqual(r.dataSubscriberKeys(1), [101]);
});

// Participant cleanup

test("cleanup of an unknown participant is a no-op", () => {
  const r = registry(plan(1));
  r.subscribe(101, [{ id: 1 }]);
  assert.deepEqual(r.removeSubscriber(126), {
    lastUnsubscribed: [],
    unsubscribed: [],
    lastVideo: [],
  });
  assert.deepEqual(r.subscriberKeys(1), [101]);
});

test("cleanup sweeps every subscription and reports only last-unsubscribed channels", () => {
  const r = registry(plan(1), plan(2), plan(3));
  r.subscribe(101, [{ id: 1 }, { id: 2 }]);
  r.subscribe(102, [{ id: 2 }]);
  const c = r.removeSubscriber(101);
  assert.deepEqual(ids(c.unsubscribed), [1, 2]);
  assert.deepEqual(ids(c.lastUnsubscribed), [1]);
  assert.deepEqual(r.subscriberKeys(1), []);
  assert.deepEqual(r.subscriberKeys(2), [102]);
});

test("cleanup sweeps video subscriptions and reports both last and last-video", () => {
  const r = registry(plan(1, { videoSchema: VIDEO }));
  r.subscribe(101, [{ id: 1, requestVideoTrack: true }]);
  const c = r.removeSubscriber(101);
  assert.deepEqual(c.lastVideo, [1]);
  assert.deepEqual(ids(c.lastUnsubscribed), [1]);
});

test("cleanup with mixed video preferences reports last-video but not last", () => {
  const r = registry(plan(1, { videoSchema: VIDEO }));
  r.subscribe(101, [{ id: 1, requestVideoTrack: true }]);
  r.subscribe(102, [{ id: 1 }]);
  const c = r.removeSubscriber(101);
  assert.deepEqual(c.lastVideo, [1]);
  assert.deepEqual(c.lastUnsubscribed, []);
  assert.deepEqual(r.dataSubscriberKeys(1), [102]);
});

// Lookups, channels and QoS

test("subscriber SIDs are empty for unknown channels and after removal", () => {
  const r = registry(plan(1));
  assert.deepEqual(r.subscriberKeys(7), []);
  assert.deepEqual(r.dataSubscriberKeys(7), []);
  r.subscribe(101, [{ id: 1 }]);
  r.subscribe(102, [{ id: 1 }]);
  assert.deepEqual(r.subscriberKeys(1), [101, 102]);
  const removed = r.remove(1);
  assert.deepEqual(removed?.subscribers, [101, 102]);
  assert.deepEqual(r.subscriberKeys(1), []);
  assert.equal(r.dataSubscriberCount(1), 0);
});

test("insert and query a channel; duplicate insert is refused", () => {
  const r = new ChannelRegistry();
  assert.equal(r.insert(plan(5)), true);
  assert.equal(r.insert(plan(5, { reliability: "reliable" })), false);
  assert.equal(r.get(5)?.channel.topic, "/topic5");
  assert.equal(r.reliability(5), "lossy");
  assert.deepEqual(ids(r.channels()), [5]);
});

test("remove returns the channel when present and undefined when absent", () => {
  const r = registry(plan(1));
  assert.equal(r.remove(1)?.channel.id, 1);
  assert.equal(r.remove(1), undefined);
  assert.equal(r.size, 0);
});

test("QoS defaults to lossy, is stored, and goes with the channel", () => {
  const r = registry(plan(1, { reliability: "reliable" }));
  assert.equal(r.reliability(1), "reliable");
  assert.equal(r.reliability(2), "lossy");
  r.remove(1);
  assert.equal(r.reliability(1), "lossy");
});

test("data subscriber SIDs are empty without subscribers", () => {
  const r = registry(plan(1));
  assert.deepEqual(r.dataSubscriberKeys(1), []);
  assert.equal(r.dataSubscriberCount(1), 0);
});

// Advertisement metadata

test("advertised metadata injects video metadata once known", () => {
  const r = new ChannelRegistry();
  r.insert({
    channel: testChannel(1, "/cam", { schemaName: "foxglove.RawImage", metadata: { k: "v" } }),
    reliability: "lossy",
    videoSchema: VIDEO,
    schemaText: "AQID",
  });
  assert.deepEqual(r.advertisedMetadata(1), { k: "v", "foxglove.hasVideoTrack": "true" });
  assert.equal(r.setVideoMetadata(1, { sourceEncoding: "rgb8", frameId: "cam_link" }), true);
  assert.deepEqual(r.advertisedMetadata(1), {
    k: "v",
    "foxglove.hasVideoTrack": "true",
    "foxglove.videoSourceEncoding": "rgb8",
    "foxglove.videoFrameId": "cam_link",
  });
});

test("advertised metadata omits an empty frame ID", () => {
  const r = registry(plan(1, { videoSchema: VIDEO }));
  r.setVideoMetadata(1, { sourceEncoding: "jpeg", frameId: "" });
  assert.deepEqual(r.advertisedMetadata(1), {
    "foxglove.hasVideoTrack": "true",
    "foxglove.videoSourceEncoding": "jpeg",
  });
});

test("clearing video metadata keeps hasVideoTrack but drops the source encoding", () => {
  const r = registry(plan(1, { videoSchema: VIDEO }));
  r.setVideoMetadata(1, { sourceEncoding: "mono16", frameId: "f" });
  r.clearVideoMetadata(1);
  assert.deepEqual(r.advertisedMetadata(1), { "foxglove.hasVideoTrack": "true" });
  assert.equal(r.setVideoMetadata(9, { sourceEncoding: "x", frameId: "" }), false);
});

test("reliable channels are advertised with foxglove.reliable; the channel's own map is untouched", () => {
  const own = { a: "1" };
  const r = new ChannelRegistry();
  r.insert({
    ...plan(1),
    channel: testChannel(1, "/t", { metadata: own }),
    reliability: "reliable",
  });
  assert.deepEqual(r.advertisedMetadata(1), { a: "1", "foxglove.reliable": "true" });
  assert.deepEqual(own, { a: "1" });
  assert.equal(r.advertisedMetadata(2), undefined);
});

test("advertise builds the wire channels with schema text and session metadata", () => {
  const r = new ChannelRegistry();
  r.insert({
    channel: testChannel(1, "/cam", { schemaName: "foxglove.RawImage" }),
    reliability: "lossy",
    videoSchema: VIDEO,
    schemaText: "AQID",
  });
  r.insert(plan(2));
  r.insert({ ...plan(3), reliability: "reliable" });
  assert.deepEqual(r.advertise([1, 2, 99]), {
    op: "advertise",
    channels: [
      {
        id: 1,
        topic: "/cam",
        encoding: "protobuf",
        schemaName: "foxglove.RawImage",
        schemaEncoding: "protobuf",
        schema: "AQID",
        metadata: { "foxglove.hasVideoTrack": "true" },
      },
      { id: 2, topic: "/topic2", encoding: "json", schemaName: "", schema: "" },
    ],
  });
  assert.deepEqual(
    r.advertise()?.channels.map((c) => [c.id, c.metadata]),
    [
      [1, { "foxglove.hasVideoTrack": "true" }],
      [2, undefined],
      [3, { "foxglove.reliable": "true" }],
    ],
  );
  assert.equal(r.advertise([99]), undefined);
  assert.equal(new ChannelRegistry().advertise(), undefined);
});
