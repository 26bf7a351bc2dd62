import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { CdrWriter, EncapsulationKind } from "@foxglove/cdr";
import sharp from "sharp";
import {
  resolveVideoCodecOptions,
  type DecodedVideoFrame,
  type LiveKitRoom,
  type LocalVideoPublication,
  type RemoteVideoTrackInfo,
} from "../../src/livekit/index.js";
import { NOMINAL_VIDEO_SIZE, VideoPublisher } from "../../src/media/VideoPublisher.js";
import type { VideoSourceInfo } from "../../src/media/transcodeImage.js";
import type { VideoInputSchema } from "../../src/media/videoInputSchema.js";
import { assertMeanColour } from "../../src/media/testing/bt709.js";
import { CompressedImage, RawImage } from "../../src/messages/index.js";
import { EventLog, within } from "../helpers/EventLog.js";
import { startLiveKitServer, type TestLiveKitServer } from "../helpers/livekitServer.js";
import { solidPixels, solidRawImage } from "../../src/media/testing/solidImage.js";

// A real LiveKit server, a device participant publishing through VideoPublisher and a viewer
// participant decoding the track with rtc-node.

let server: TestLiveKitServer;
let device: LiveKitRoom;
let viewer: LiveKitRoom;
const viewerTracks = new EventLog<{
  type: "published" | "unpublished";
  track: RemoteVideoTrackInfo;
}>();

before(async () => {
  server = await startLiveKitServer("video-publisher");
  device = await server.join("video", "device");
  viewer = await server.join("video", "viewer", {
    listener: {
      onVideoTrackPublished: (track) => viewerTracks.push({ type: "published", track }),
      onVideoTrackUnpublished: (track) => viewerTracks.push({ type: "unpublished", track }),
    },
  });
});

after(async () => {
  await viewer?.close();
  await device?.close();
  await server?.stop();
});

const WIDTH = 640;
const HEIGHT = 480;
const COLOUR = [200, 100, 50] as const;

/** A mid-grey mono8 RawImage message of the given size. */
function greyImage(width: number, height: number): Uint8Array {
  return RawImage.encode({
    timestamp: { sec: 1, nsec: 0 },
    frame_id: "",
    width,
    height,
    encoding: "mono8",
    step: width,
    data: new Uint8Array(width * height).fill(128),
  });
}

function solidRgb(): Uint8Array {
  return solidPixels(WIDTH, HEIGHT, COLOUR);
}

/**
 * Publishes `message` as channel `id`'s video at ~30 fps until the viewer decodes a frame; returns
 * the frame and the sources reported. Closes the publisher and waits for the track to go away.
 */
async function roundTrip(id: number, schema: VideoInputSchema, message: Uint8Array) {
  const name = `video-ch-${id}`;
  const sources: VideoSourceInfo[] = [];
  const publisher = new VideoPublisher({
    name,
    schema,
    publish: (size) =>
      device.publishVideo(name, {
        ...size,
        ...resolveVideoCodecOptions(process.env, process.platform),
      }),
    onSource: (source) => sources.push(source),
  });
  // The track is published once the first frame is converted.
  const timer = setInterval(() => publisher.push(message, BigInt(Date.now()) * 1_000_000n), 33);
  let frame: DecodedVideoFrame | undefined;
  let subscription: Awaited<ReturnType<LiveKitRoom["subscribeVideo"]>> | undefined;
  try {
    await viewerTracks.waitFor(
      (e) => e.type === "published" && e.track.name === name,
      10_000,
      name,
    );
    subscription = await viewer.subscribeVideo("device", name);
    const frames = subscription;
    frame = await within(
      (async () => {
        // Skip the first frames: the encoder starts at a low bitrate.
        let n = 0;
        for await (const f of frames) {
          if (++n >= 5) {
            return f;
          }
        }
        throw new Error("video ended without a frame");
      })(),
      20_000,
      `decoded frames on ${name}`,
    );
  } finally {
    clearInterval(timer);
    await subscription?.close();
  }
  const stats = publisher.stats;
  await publisher.close();
  await viewerTracks.waitFor(
    (e) => e.type === "unpublished" && e.track.name === name,
    10_000,
    `${name} gone`,
  );
  return { frame, sources, stats };
}

test("a solid-colour protobuf RawImage arrives as a 640x480 frame of that colour", async () => {
  const message = RawImage.encode(solidRawImage(WIDTH, HEIGHT, COLOUR));
  const { frame, sources, stats } = await roundTrip(
    1,
    { decoder: "protobuf", image: "raw" },
    message,
  );
  assertSolidColour(frame, 3);
  assert.deepEqual(sources, [{ sourceEncoding: "rgb8", frameId: "camera" }]);
  assert.ok(stats.sent >= 5, `sent ${stats.sent}`);
  assert.equal(stats.failed, 0);
});

test("a JPEG CompressedImage arrives as a frame of its size and colour", async () => {
  const jpeg = await sharp(solidRgb(), { raw: { width: WIDTH, height: HEIGHT, channels: 3 } })
    .jpeg({ quality: 90 })
    .toBuffer();
  const message = CompressedImage.encode({
    timestamp: { sec: 1, nsec: 0 },
    frame_id: "",
    format: "jpeg",
    data: jpeg,
  });
  const { frame, sources } = await roundTrip(
    2,
    { decoder: "protobuf", image: "compressed" },
    message,
  );
  assertSolidColour(frame, 4);
  assert.deepEqual(sources, [{ sourceEncoding: "jpeg", frameId: "" }]);
});

test("a ROS 2 sensor_msgs/Image (bgr8, CDR) arrives as a frame of its size and colour", async () => {
  const bgr = solidRgb();
  for (let i = 0; i < bgr.length; i += 3) {
    bgr.set([COLOUR[2], COLOUR[1], COLOUR[0]], i);
  }
  const w = new CdrWriter({ kind: EncapsulationKind.CDR_LE });
  w.int32(1).uint32(0).string("optical");
  w.uint32(HEIGHT)
    .uint32(WIDTH)
    .string("bgr8")
    .uint8(0)
    .uint32(WIDTH * 3)
    .uint8Array(bgr, true);
  const { frame, sources } = await roundTrip(3, { decoder: "ros2", image: "raw" }, w.data);
  assertSolidColour(frame, 3);
  assert.deepEqual(sources, [{ sourceEncoding: "bgr8", frameId: "optical" }]);
});

test("closing while the publish is in flight leaves no track behind", async () => {
  const name = "video-ch-4";
  let publishing!: () => void;
  const publishStarted = new Promise<void>((resolve) => (publishing = resolve));
  let landed: Promise<LocalVideoPublication> | undefined;
  const publisher = new VideoPublisher({
    name,
    schema: { decoder: "protobuf", image: "raw" },
    publish: (size) => {
      publishing();
      landed = device.publishVideo(name, size);
      return landed;
    },
  });
  const grey = greyImage(64, 64);
  publisher.push(grey, 0n);
  await within(publishStarted, 10_000, "the publish to start");
  await publisher.close(); // the publish has not completed yet
  assert.equal(publisher.live, false);
  // The track landed after the close and was unpublished on the device.
  const publication = await landed!;
  assert.equal(publication.published, false);
  // The viewer may or may not have heard of it (LiveKit can coalesce a publish and an unpublish),
  // but it must not be left with it: a track published afterwards is seen after every event about
  // the first, so by then each "published" of the first has its "unpublished".
  await using sentinel = await device.publishVideo("video-ch-4-sentinel", {
    width: 16,
    height: 16,
  });
  await viewerTracks.waitFor(
    (e) => e.type === "published" && e.track.name === sentinel.name,
    10_000,
    "the sentinel track",
  );
  const count = (type: "published" | "unpublished") =>
    viewerTracks.items.filter((e) => e.type === type && e.track.name === name).length;
  assert.equal(count("published"), count("unpublished"));
});

test("the track is published at once, before any frame, and carries only real frames", async () => {
  const name = "video-ch-5";
  const sizes: { width: number; height: number }[] = [];
  let landed: Promise<LocalVideoPublication> | undefined;
  const publisher = new VideoPublisher({
    name,
    schema: { decoder: "protobuf", image: "raw" },
    publish: (size) => {
      sizes.push(size);
      landed = device.publishVideo(name, size);
      return landed;
    },
  });
  try {
    // Spec §7.5: published on the first video subscriber, for LiveKit's nominal 1280x720.
    const subscription = await viewer.subscribeVideo("device", name, { timeoutMs: 20_000 });
    assert.deepEqual(sizes, [NOMINAL_VIDEO_SIZE]);
    publisher.push(new Uint8Array([0xff, 0xff]), 0n); // garbage: never converts
    const grey = greyImage(64, 64);
    const timer = setInterval(() => publisher.push(grey, BigInt(Date.now()) * 1_000_000n), 33);
    try {
      // LiveKit's source would send black 1280x720 placeholders until its first capture: the
      // first decoded frame must be the logged grey one.
      const first = await within(
        (async () => {
          for await (const f of subscription) return f;
          throw new Error("the subscription ended");
        })(),
        20_000,
        "the first frame",
      );
      assert.deepEqual([first.width, first.height], [64, 64]);
      assertMeanColour(first, [128, 128, 128], 4);
    } finally {
      clearInterval(timer);
      await subscription.close();
    }
    assert.equal(publisher.stats.failed >= 1, true);
  } finally {
    await publisher.close();
  }
  assert.equal((await landed!).published, false, "unpublished by close");
});

test("a frame larger than the track has it published again and arrives at its own size", async () => {
  const name = "video-ch-6";
  const sizes: { width: number; height: number }[] = [];
  const publisher = new VideoPublisher({
    name,
    schema: { decoder: "protobuf", image: "raw" },
    publish: (size) => {
      sizes.push(size);
      return device.publishVideo(name, {
        ...size,
        ...resolveVideoCodecOptions(process.env, process.platform),
      });
    },
  });
  // Taller than the nominal 1280x720 the track is first published for (and cheap to encode).
  const TALL = { width: 160, height: 800 };
  const small = greyImage(160, 120);
  const large = RawImage.encode({
    timestamp: { sec: 1, nsec: 0 },
    frame_id: "",
    ...TALL,
    encoding: "rgb8",
    step: TALL.width * 3,
    data: solidRgb().subarray(0, TALL.width * TALL.height * 3),
  });
  let message = small;
  const timer = setInterval(() => publisher.push(message, BigInt(Date.now()) * 1_000_000n), 33);
  const decoded: string[] = [];
  try {
    const frame = await within(
      (async () => {
        // Small frames until one arrives, then large ones: the track is published again (a new
        // sid under the same name) and the first subscription ends.
        let ended: string | undefined;
        for (;;) {
          const subscription = await viewer.subscribeVideo("device", name, {
            timeoutMs: 20_000,
            ...(ended === undefined ? {} : { afterTrackSid: ended }),
          });
          ended = subscription.trackSid;
          for await (const f of subscription) {
            decoded.push(`${f.width}x${f.height}`);
            if (f.width === TALL.width && f.height === TALL.height) {
              await subscription.close();
              return f;
            }
            message = large;
          }
        }
      })(),
      20_000,
      "a 160x800 frame after 160x120 ones",
    );
    assert.equal(decoded[0], "160x120");
    assertMeanColour(frame, COLOUR, 4);
  } finally {
    clearInterval(timer);
    await publisher.close();
  }
  // LiveKit sizes a track's bitrate from its published size: a larger frame has it published
  // again (without, 640x480 frames in a 160x120 track took 16 s to over 20 s to arrive at size).
  assert.deepEqual(sizes, [NOMINAL_VIDEO_SIZE, TALL], `decoded ${decoded.join(" ")}`);
});

function assertSolidColour(frame: DecodedVideoFrame, tolerance: number): void {
  assert.deepEqual([frame.width, frame.height, frame.format], [WIDTH, HEIGHT, "i420"]);
  assertMeanColour(frame, COLOUR, tolerance);
}
