import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { FoxgloveError } from "../../src/core/FoxgloveError.js";
import type {
  DataTrackFrame,
  DecodedVideoFrame,
  LiveKitRoom,
  RemoteDataTrack,
  RemoteVideoTrackInfo,
} from "../../src/livekit/index.js";
import { EventLog, within } from "../helpers/EventLog.js";
import { startLiveKitServer, type TestLiveKitServer } from "../helpers/livekitServer.js";

let server: TestLiveKitServer;
let alice: LiveKitRoom;
let bob: LiveKitRoom;
const bobDataTracks = new EventLog<{ type: "published" | "unpublished"; track: RemoteDataTrack }>();
const bobVideoTracks = new EventLog<{
  type: "published" | "unpublished";
  track: RemoteVideoTrackInfo;
}>();

before(async () => {
  server = await startLiveKitServer("tracks");
  alice = await server.join("tracks", "alice");
  bob = await server.join("tracks", "bob", {
    listener: {
      onDataTrackPublished: (track) => bobDataTracks.push({ type: "published", track }),
      onDataTrackUnpublished: (track) => bobDataTracks.push({ type: "unpublished", track }),
      onVideoTrackPublished: (track) => bobVideoTracks.push({ type: "published", track }),
      onVideoTrackUnpublished: (track) => bobVideoTracks.push({ type: "unpublished", track }),
    },
  });
});

after(async () => {
  await bob?.close();
  await alice?.close();
  await server?.stop();
});

function pattern(size: number, seed: number): Uint8Array {
  const out = new Uint8Array(size);
  let x = seed * 2654435761 + 1;
  for (let i = 0; i < size; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

test("a data-track frame with a user timestamp arrives intact for sizes 1 B to 100 KiB", async () => {
  const local = await alice.publishDataTrack("data-ch-1");
  assert.equal(local.name, "data-ch-1");
  assert.ok(local.published);
  const { track } = await bobDataTracks.waitFor(
    (e) => e.type === "published" && e.track.name === "data-ch-1",
    10_000,
    "bob to see data-ch-1",
  );
  assert.equal(track.publisherIdentity, "alice");
  const received = new EventLog<DataTrackFrame>();
  const sub = track.subscribe();
  const reading = (async () => {
    for await (const frame of sub) {
      received.push(frame);
    }
  })();

  // The subscription is set up asynchronously and frames are lossy: push a marker until one arrives.
  let marker = 0n;
  await within(
    (async () => {
      for (;;) {
        marker += 1n;
        assert.equal(local.tryPush(new Uint8Array([0xff]), marker), "sent");
        try {
          await received.waitFor((f) => f.userTimestamp === marker, 200);
          return;
        } catch {
          // not subscribed yet
        }
      }
    })(),
    10_000,
    "the subscription to deliver a first frame",
  );

  const sizes = [1, 2, 100, 1_200, 15_000, 16_000, 16_001, 50_000, 100 * 1024];
  for (const [i, size] of sizes.entries()) {
    const payload = pattern(size, i);
    const ts = 1_700_000_000_000_000_000n + BigInt(i); // a log time in ns since the epoch
    let frame: DataTrackFrame | undefined;
    for (let attempt = 0; attempt < 3 && frame === undefined; attempt++) {
      assert.equal(local.tryPush(payload, ts), "sent");
      frame = await received.waitFor((f) => f.userTimestamp === ts, 3_000).catch(() => undefined);
    }
    assert.ok(frame, `frame of ${size} B arrived`);
    assert.equal(frame.payload.byteLength, size);
    assert.deepEqual(frame.payload, payload);
  }

  // A frame without a timestamp arrives with userTimestamp undefined.
  let plain: DataTrackFrame | undefined;
  for (let attempt = 0; attempt < 3 && plain === undefined; attempt++) {
    local.tryPush(new Uint8Array([7, 7, 7]));
    plain = await received
      .waitFor((f) => f.userTimestamp === undefined, 3_000)
      .catch(() => undefined);
  }
  assert.deepEqual(plain?.payload, new Uint8Array([7, 7, 7]));

  // Unpublishing ends the subscriber's iteration and announces the unpublish.
  local.unpublish();
  assert.equal(local.published, false);
  assert.equal(local.tryPush(new Uint8Array([1])), "unpublished");
  await bobDataTracks.waitFor((e) => e.type === "unpublished" && e.track.sid === track.sid);
  await within(reading, 10_000, "the subscription to end after unpublish");
  assert.equal(track.published, false);
  assert.throws(
    () => track.subscribe(),
    (e) => e instanceof FoxgloveError && e.code === "ERR_CHANNEL_CLOSED",
  );
});

test("a participant joining later is told about data tracks published before", async () => {
  const local = await alice.publishDataTrack("data-ch-early");
  try {
    const seen = new EventLog<RemoteDataTrack>();
    const carol = await server.join("tracks", "carol", {
      listener: { onDataTrackPublished: (t) => seen.push(t) },
    });
    try {
      const track = await seen.waitFor((t) => t.name === "data-ch-early");
      assert.equal(track.publisherIdentity, "alice");
      assert.ok(carol.remoteDataTracks().some((t) => t.sid === track.sid));
    } finally {
      await carol.close();
    }
  } finally {
    local.unpublish();
  }
});

test("tryPush rejects a user timestamp outside u64", async () => {
  const local = await alice.publishDataTrack("data-ch-range");
  try {
    assert.throws(() => local.tryPush(new Uint8Array([1]), -1n), { code: "ERR_VALUE" });
    assert.throws(() => local.tryPush(new Uint8Array([1]), 1n << 64n), { code: "ERR_VALUE" });
    assert.equal(local.tryPush(new Uint8Array([1]), (1n << 64n) - 1n), "sent");
  } finally {
    local.unpublish();
  }
});

test("publishing a second data track with the same name fails with DUPLICATE_NAME", async () => {
  const first = await alice.publishDataTrack("data-ch-dup");
  try {
    await assert.rejects(alice.publishDataTrack("data-ch-dup"), (e: unknown) => {
      assert.ok(e instanceof FoxgloveError);
      assert.equal(e.code, "ERR_LIVEKIT");
      assert.equal((e as { reason?: string }).reason, "DUPLICATE_NAME");
      return true;
    });
  } finally {
    first.unpublish();
  }
});

function average(data: Uint8Array, from: number, to: number): number {
  let sum = 0;
  for (let i = from; i < to; i++) {
    sum += data[i]!;
  }
  return sum / (to - from);
}

async function firstFrame(
  publish: () => void,
  frames: AsyncIterable<DecodedVideoFrame>,
): Promise<DecodedVideoFrame> {
  // Encoders need a stream of frames: keep capturing until the first decoded frame arrives.
  const timer = setInterval(publish, 33);
  try {
    for await (const frame of frames) {
      return frame;
    }
    throw new Error("video ended without a frame");
  } finally {
    clearInterval(timer);
  }
}

test("a raw video frame arrives at a subscriber as a decoded frame of the same size", async () => {
  const width = 64;
  const height = 48;
  const pub = await alice.publishVideo("video-ch-1", { width, height });
  const info = await bobVideoTracks.waitFor(
    (e) => e.type === "published" && e.track.name === "video-ch-1",
  );
  assert.equal(info.track.participantIdentity, "alice");
  const sub = await bob.subscribeVideo("alice", "video-ch-1");
  const rgba = new Uint8Array(width * height * 4).fill(200);
  const frame = await within(
    firstFrame(() => pub.captureFrame({ data: rgba, width, height, format: "rgba" }), sub),
    15_000,
    "a decoded video frame",
  );
  assert.equal(frame.width, width);
  assert.equal(frame.height, height);
  assert.equal(frame.format, "i420");
  assert.ok(frame.data.byteLength >= width * height);
  await sub.close();
  await pub.unpublish();
  await bobVideoTracks.waitFor((e) => e.type === "unpublished" && e.track.name === "video-ch-1");
  assert.equal(pub.captureFrame({ data: rgba, width, height, format: "rgba" }), false);
});

/**
 * Publishes `view` (a solid-colour 32x32 I420 frame of `colour` = [Y, U, V]) as track `name` and
 * returns the mean Y, U, V of the first decoded frame that bob receives close to that colour, or
 * of the last of 60 frames. The decoder may hand out a blank frame before the first real one.
 */
async function receivedColour(name: string, view: Uint8Array, colour: number[]): Promise<number[]> {
  const width = 32;
  const height = 32;
  const pub = await alice.publishVideo(name, { width, height });
  const sub = await bob.subscribeVideo("alice", name);
  const means: number[][] = [];
  const timer = setInterval(
    () => pub.captureFrame({ data: view, width, height, format: "i420" }),
    33,
  );
  try {
    await within(
      (async () => {
        for await (const frame of sub) {
          const y = frame.width * frame.height;
          const c = Math.ceil(frame.width / 2) * Math.ceil(frame.height / 2);
          const mean = [
            average(frame.data, 0, y),
            average(frame.data, y, y + c),
            average(frame.data, y + c, y + 2 * c),
          ];
          means.push(mean);
          if (mean.every((m, i) => Math.abs(m - colour[i]!) < 12) || means.length >= 60) {
            return;
          }
        }
      })(),
      15_000,
      "a decoded video frame",
    );
  } finally {
    clearInterval(timer);
    await sub.close();
    await pub.unpublish();
  }
  return means.at(-1) ?? [];
}

/** A 32x32 I420 frame of `colour` placed at `offset` in `backing`, which is filled with 0 first. */
function i420At(backing: Uint8Array, offset: number, colour: number[]): Uint8Array {
  backing.fill(0);
  const view = backing.subarray(offset, offset + 32 * 32 * 1.5);
  view.fill(colour[0]!, 0, 1024);
  view.fill(colour[1]!, 1024, 1280);
  view.fill(colour[2]!, 1280);
  return view;
}

for (const [kind, backing] of [
  ["an ArrayBuffer", new Uint8Array(8192)],
  ["a SharedArrayBuffer", new Uint8Array(new SharedArrayBuffer(8192))],
] as const) {
  test(`a video frame in a view at an odd byteOffset of ${kind} arrives with its colour`, async () => {
    // Had the zeros before the view been sent, the frame would decode dark green.
    const colour = [200, 90, 170];
    const mean = await receivedColour(
      `video-ch-offset-${backing.buffer.constructor.name}`,
      i420At(backing, 4097, colour),
      colour,
    );
    assert.ok(
      mean.length === 3 && mean.every((m, i) => Math.abs(m - colour[i]!) < 12),
      `mean Y, U, V of the decoded frame ${mean.map((m) => m.toFixed(0)).join(",")} should be about ${colour.join(",")}`,
    );
  });
}

test("captureFrame rejects malformed frames with ERR_VALUE", async () => {
  const pub = await alice.publishVideo("video-ch-bad", { width: 16, height: 16 });
  try {
    assert.throws(
      () => pub.captureFrame({ data: new Uint8Array(10), width: 16, height: 16, format: "rgba" }),
      { code: "ERR_VALUE" },
    );
    assert.throws(
      () => pub.captureFrame({ data: new Uint8Array(1024), width: 0, height: 16, format: "rgba" }),
      { code: "ERR_VALUE" },
    );
    const frame = { data: new Uint8Array(1024), width: 16, height: 16, format: "rgba" } as const;
    assert.throws(() => pub.captureFrame(frame, 2n ** 63n), {
      code: "ERR_VALUE",
      message: /beyond int64/,
    });
    assert.equal(pub.captureFrame(frame, 2n ** 63n - 1n), true, "the largest int64 is sent");
    assert.throws(() => pub.captureFrame(frame), { code: "ERR_VALUE" }, "no room to increase");
  } finally {
    await pub.unpublish();
  }
});

test("subscribing to a video track that does not exist times out with ERR_TIMEOUT", async () => {
  await assert.rejects(bob.subscribeVideo("alice", "video-ch-missing", { timeoutMs: 300 }), {
    code: "ERR_TIMEOUT",
  });
});
