import assert from "node:assert/strict";
import type { RawImage as RawImageMessage } from "@foxglove/schemas";
import { test } from "node:test";
import { CompressedImage, RawImage, RawImageJson } from "../messages/index.js";
import { FrameArena } from "./FrameArena.js";
import { assertMeanColour } from "./testing/bt709.js";
import { solidRawImage } from "./testing/solidImage.js";
import type { VideoInputSchema } from "./videoInputSchema.js";
import { captureTimestamp, VideoPublisher, type VideoTrackSink } from "./VideoPublisher.js";

// VideoPublisher with an in-memory track: message copies into reused buffers, pixel alignment
// learned from the previous message, pending frames replaced. The real track is covered by
// test/livekit/videoPublisher.test.ts.

const W = 64;
const H = 32;

/** A typed RawImage of a solid colour. */
function typedImage(
  rgb: readonly [number, number, number],
  nsec: number,
  sec = 1,
  width = W,
  height = H,
): RawImageMessage {
  return solidRawImage(width, height, rgb, { timestamp: { sec, nsec }, frame_id: "cam" });
}

/** A RawImage message of a solid colour; `nsec` moves the pixels' offset in the message. */
function image(...args: Parameters<typeof typedImage>): Uint8Array {
  return RawImage.encode(typedImage(...args));
}

interface Captured {
  width: number;
  height: number;
  data: Uint8Array;
  timestampUs: bigint;
}

/**
 * A publisher on an in-memory track; `next()` resolves with the next captured frame (a copy);
 * `onCapture` sees the frame as handed to the track.
 */
function publisher(
  onCapture?: (frame: { data: Uint8Array }) => void,
  schema: VideoInputSchema = { decoder: "protobuf", image: "raw" },
) {
  const frames: Captured[] = [];
  const waiters: ((frame: Captured) => void)[] = [];
  const sink: VideoTrackSink = {
    captureFrame(frame, timestampUs) {
      onCapture?.(frame);
      const captured = { ...frame, data: frame.data.slice(), timestampUs };
      const waiter = waiters.shift();
      if (waiter === undefined) {
        frames.push(captured);
      } else {
        waiter(captured);
      }
      return true;
    },
    unpublish: () => Promise.resolve(),
  };
  const video = new VideoPublisher({
    name: "video-ch-1",
    schema,
    publish: () => Promise.resolve(sink),
  });
  const next = () =>
    frames.length > 0
      ? Promise.resolve(frames.shift()!)
      : new Promise<Captured>((resolve) => waiters.push(resolve));
  return { video, next };
}

const COLOURS = [
  [200, 100, 50],
  [10, 220, 90],
  [30, 40, 250],
  [128, 128, 128],
] as const;

test("each frame is converted from a copy made at push, whatever its pixels' alignment", async () => {
  const { video, next } = publisher();
  // Offsets of the pixel data move by one byte between some of these (nsec varint length).
  const nsecs = [1, 200, 40_000, 9_000_000, 1, 1, 200];
  for (let i = 0; i < nsecs.length; i++) {
    const colour = COLOURS[i % COLOURS.length]!;
    const message = image(colour, nsecs[i]!, i + 1);
    video.push(message, 1n);
    message.fill(0); // the caller reuses its buffer at once
    const frame = await next();
    assert.equal(frame.width, W);
    assert.equal(frame.height, H);
    assert.equal(
      frame.timestampUs,
      BigInt(i + 1) * 1_000_000n + BigInt(Math.floor(nsecs[i]! / 1000)),
    );
    assertMeanColour(frame, colour, 1);
  }
  assert.deepEqual(video.stats, { received: 7, sent: 7, dropped: 0, failed: 0 });
  await video.close();
});

test("a frame pushed while one converts replaces the waiting one; buffers are reused safely", async () => {
  const { video, next } = publisher();
  video.push(image(COLOURS[0], 1), 1n);
  assertMeanColour(await next(), COLOURS[0], 1);
  for (let round = 0; round < 3; round++) {
    // The first converts, the second waits and is replaced by the third.
    video.push(image(COLOURS[1], 1), 1n);
    video.push(image(COLOURS[2], 300), 1n);
    video.push(image(COLOURS[3], 1), 1n);
    assertMeanColour(await next(), COLOURS[1], 1);
    assertMeanColour(await next(), COLOURS[3], 1);
  }
  assert.deepEqual(video.stats, { received: 10, sent: 7, dropped: 3, failed: 0 });
  await video.close();
  video.push(image(COLOURS[0], 1), 1n);
  assert.equal(video.stats.received, 10, "ignored after close");
});

test("capture timestamps follow the image time while it advances, else the log time's steps", () => {
  const steps: [bigint, bigint][] = [
    [5_000_000n, 100n], // image time 5 s, logged at 100 µs
    [5_033_000n, 33_433n], // advancing: taken as is
    [0n, 66_766n], // unset: previous + 33 333 µs of log time
    [0n, 100_100n],
    [5_040_000n, 133_433n], // advancing again but behind what was sent: still log steps
    [9_000_000n, 166_766n], // ahead: its own time again
    [9_000_000n, 166_766n], // repeated, same log time: 1 µs later
  ];
  const sent: bigint[] = [];
  let clock;
  for (const [imageUs, logUs] of steps) {
    clock = captureTimestamp(clock, imageUs, logUs);
    sent.push(clock.sentUs);
  }
  assert.deepEqual(sent, [
    5_000_000n,
    5_033_000n,
    5_066_333n,
    5_099_667n,
    5_133_000n,
    9_000_000n,
    9_000_001n,
  ]);
});

test("frames with an unchanging image timestamp are captured spaced by their log times", async () => {
  const { video, next } = publisher();
  const got: bigint[] = [];
  for (let i = 0; i < 3; i++) {
    video.push(image(COLOURS[0], 0, 0), 1_000_000_000n + BigInt(i) * 33_000_000n);
    got.push((await next()).timestampUs);
  }
  assert.deepEqual(got, [0n, 33_000n, 66_000n]);
  await video.close();
});

test("messages and pictures live in the shared arena while converted and return to it on close", async () => {
  const arena = FrameArena.shared();
  assert.ok(arena, "Node has shared WebAssembly memory");
  const before = arena.usedBytes;
  const { video, next } = publisher();
  let inArena = 0;
  // Sizes change (a new picture block each time) and waiting frames get replaced.
  for (let round = 0; round < 4; round++) {
    const w = W + 16 * round;
    video.push(image(COLOURS[round % 4]!, 1 + round, 1, w), 1n);
    const frame = await next();
    assert.equal(frame.width, w);
    assertMeanColour(frame, COLOURS[round % 4]!, 1);
    video.push(image(COLOURS[1], 1, 1, w), 1n);
    video.push(image(COLOURS[2], 1, 1, w), 1n); // replaced while the first converts
    video.push(image(COLOURS[3], 1, 1, w), 1n);
    assertMeanColour(await next(), COLOURS[1], 1);
    assertMeanColour(await next(), COLOURS[3], 1);
  }
  // Frames are captured from arena blocks (shared views at a non-zero offset) once the first
  // picture showed the size.
  const { video: probe, next: probed } = publisher((frame) => {
    if (FrameArena.holds(frame.data) && frame.data.byteOffset > 0) inArena++;
  });
  for (let i = 0; i < 3; i++) {
    probe.push(image(COLOURS[i]!, 1), 1n);
    assertMeanColour(await probed(), COLOURS[i]!, 1);
  }
  assert.equal(inArena, 2, "the second and third frames are captured from arena blocks");
  assert.ok(arena.usedBytes > before, "blocks in use while the publishers run");
  // Pending frame dropped by the close is returned too.
  video.push(image(COLOURS[0], 1), 1n);
  video.push(image(COLOURS[1], 1), 1n);
  await Promise.all([video.close(), probe.close()]);
  assert.equal(arena.usedBytes, before, "every block went back to the arena");
});

test("the track is published once the channel's previous publisher is gone, and not at all if closed before", async () => {
  let captured!: () => void;
  const capture = new Promise<void>((resolve) => (captured = resolve));
  const sink: VideoTrackSink = {
    captureFrame: () => {
      captured();
      return true;
    },
    unpublish: () => Promise.resolve(),
  };
  let previousGone!: () => void;
  const after = new Promise<void>((resolve) => (previousGone = resolve));
  const published: string[] = [];
  const make = (name: string) =>
    new VideoPublisher({
      name,
      schema: { decoder: "protobuf", image: "raw" },
      after,
      publish: () => {
        published.push(name);
        return Promise.resolve(sink);
      },
    });
  const waiting = make("video-ch-1");
  const toggled = make("video-ch-1-toggled");
  const closed = toggled.close(); // a viewer toggled its subscription before the turn came
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(published, [], "nothing published while the previous publisher runs");
  previousGone();
  await closed;
  // The waiting one publishes and sends: a frame reaches its track.
  waiting.push(image(COLOURS[0], 1), 1n);
  await capture;
  assert.deepEqual(published, ["video-ch-1"], "the toggled-off publisher never published");
  await waiting.close();
});

test("a typed RawImage is taken as logged and converted as its encoding would be; others are declined", async () => {
  const arena = FrameArena.shared();
  assert.ok(arena);
  const before = arena.usedBytes;
  const { video, next } = publisher();
  for (let i = 0; i < 4; i++) {
    const colour = COLOURS[i]!;
    const message = typedImage(colour, 1000 * (i + 1), 5);
    if (i % 2 === 0) {
      assert.equal(video.pushMessage(message, RawImage, 1n), true);
    } else {
      video.push(RawImage.encode(message), 1n); // the bytes path, interleaved
    }
    message.data.fill(0); // the caller reuses its buffer at once
    const frame = await next();
    assert.deepEqual([frame.width, frame.height], [W, H]);
    assert.equal(frame.timestampUs, 5_000_000n + BigInt(i + 1));
    assertMeanColour(frame, colour, 1);
  }
  // Latest wins for typed messages too.
  video.pushMessage(typedImage(COLOURS[1], 1), RawImage, 1n);
  video.pushMessage(typedImage(COLOURS[2], 1), RawImage, 1n);
  video.pushMessage(typedImage(COLOURS[3], 1), RawImage, 1n);
  assertMeanColour(await next(), COLOURS[1], 1);
  assertMeanColour(await next(), COLOURS[3], 1);
  // Not a RawImage of the package's encoders, or pixels that are not bytes: declined, untouched.
  const jpeg = {
    timestamp: { sec: 1, nsec: 0 },
    frame_id: "",
    format: "jpeg",
    data: new Uint8Array(9),
  };
  assert.equal(video.pushMessage(jpeg, CompressedImage, 1n), false);
  assert.equal(
    video.pushMessage({ ...typedImage(COLOURS[0], 1), data: [1, 2] }, RawImage, 1n),
    false,
  );
  assert.deepEqual(video.stats, { received: 7, sent: 6, dropped: 1, failed: 0 });
  await video.close();
  assert.equal(video.pushMessage(typedImage(COLOURS[0], 1), RawImage, 1n), true, "nothing to do");
  assert.equal(video.stats.received, 7);
  assert.equal(arena.usedBytes, before, "every block went back to the arena");
});

test("a JSON RawImage channel takes typed messages without base64; a compressed one declines them", async () => {
  const { video, next } = publisher(undefined, { decoder: "json", image: "raw" });
  assert.equal(video.pushMessage(typedImage(COLOURS[2], 7), RawImageJson, 1n), true);
  assertMeanColour(await next(), COLOURS[2], 1);
  video.push(RawImageJson.encode(typedImage(COLOURS[0], 8)), 1n); // and its JSON bytes
  assertMeanColour(await next(), COLOURS[0], 1);
  await video.close();
  const compressed = publisher(undefined, { decoder: "protobuf", image: "compressed" });
  assert.equal(compressed.video.pushMessage(typedImage(COLOURS[0], 1), RawImage, 1n), false);
  await compressed.video.close();
});
