// Video end to end: a real livekit-server, the project's API server, a gateway woken through it,
// and viewers built on the viewer library. Image channels logged on the device arrive at viewers
// as decoded video frames of the right size and colour; the track is shared and goes away.
import assert from "node:assert/strict";
import { setTimeout as delay } from "node:timers/promises";
import { after, before, test } from "node:test";
import { CdrWriter, EncapsulationKind } from "@foxglove/cdr";
import { RoomServiceClient } from "livekit-server-sdk";
import sharp from "sharp";
import { TEST_DEVICE } from "../src/api-server/index.js";
import { Channel } from "../src/core/Channel.js";
import { RawChannel } from "../src/core/RawChannel.js";
import {
  connectRoom,
  shutdownLiveKit,
  type LiveKitRoom,
  type RemoteVideoTrackInfo,
} from "../src/livekit/index.js";
import { assertMeanColour } from "../src/media/testing/bt709.js";
import { solidPixels, solidRawImage } from "../src/media/testing/solidImage.js";
import { CompressedImage, RawImage } from "../src/messages/index.js";
import {
  requestViewerCredentials,
  type Viewer,
  type ViewerVideoFrame,
} from "../src/viewer/index.js";
import { startDeviceStack, type DeviceStack } from "./helpers/deviceStack.js";
import { EventLog, within } from "./helpers/EventLog.js";
import { startLiveKitServer, type TestLiveKitServer } from "./helpers/livekitServer.js";

const WAIT = 20_000;
const WIDTH = 640;
const HEIGHT = 480;
const COLOUR = [200, 100, 50] as const;

let livekit: TestLiveKitServer;
let stack: DeviceStack;
let observer: LiveKitRoom;
let producer: NodeJS.Timeout;
const tracks = new EventLog<{ type: "published" | "unpublished"; track: RemoteVideoTrackInfo }>();

const ROS_IMAGE_MSG = `std_msgs/Header header
uint32 height
uint32 width
string encoding
uint8 is_bigendian
uint32 step
uint8[] data
================================================================================
MSG: std_msgs/Header
builtin_interfaces/Time stamp
string frame_id
================================================================================
MSG: builtin_interfaces/Time
int32 sec
uint32 nanosec`;

function solid(order: "rgb" | "bgr"): Uint8Array {
  return solidPixels(WIDTH, HEIGHT, order === "rgb" ? COLOUR : [COLOUR[2], COLOUR[1], COLOUR[0]]);
}

/** The solid-colour RawImage the cameras log. */
const rawImage = solidRawImage(WIDTH, HEIGHT, COLOUR);

before(async () => {
  livekit = await startLiveKitServer("video-e2e");
  stack = await startDeviceStack(livekit, {
    suppressVideoTranscode: (channel) => channel.topic === "/depth",
  });
  const raw = new Channel("/cam/raw", { context: stack.context, encoder: RawImage });
  const depth = new Channel("/depth", { context: stack.context, encoder: RawImage });
  const jpegChannel = new Channel("/cam/jpeg", {
    context: stack.context,
    encoder: CompressedImage,
  });
  const ros = new RawChannel("/cam/ros", {
    context: stack.context,
    messageEncoding: "cdr",
    schema: {
      name: "sensor_msgs/msg/Image",
      encoding: "ros2msg",
      data: new TextEncoder().encode(ROS_IMAGE_MSG),
    },
  });
  const jpeg = await sharp(solid("rgb"), { raw: { width: WIDTH, height: HEIGHT, channels: 3 } })
    .jpeg({ quality: 90 })
    .toBuffer();
  const w = new CdrWriter({ kind: EncapsulationKind.CDR_LE });
  w.int32(2).uint32(0).string("optical");
  w.uint32(HEIGHT)
    .uint32(WIDTH)
    .string("bgr8")
    .uint8(0)
    .uint32(WIDTH * 3)
    .uint8Array(solid("bgr"), true);
  const rosImage = w.data;
  // A camera at ~30 fps on every channel (log() returns at once while nobody is subscribed).
  producer = setInterval(() => {
    raw.log(rawImage);
    depth.log(rawImage);
    jpegChannel.log({ timestamp: { sec: 1, nsec: 0 }, frame_id: "", format: "jpeg", data: jpeg });
    ros.log(rosImage);
  }, 33);

  // A bare participant that watches the device's video tracks come and go.
  const creds = await requestViewerCredentials({
    apiUrl: stack.api.url,
    device: TEST_DEVICE.id,
    identity: "observer",
  });
  observer = await connectRoom(creds.livekitUrl, creds.token, {
    iceServers: livekit.iceServers,
    listener: {
      onVideoTrackPublished: (track) => tracks.push({ type: "published", track }),
      onVideoTrackUnpublished: (track) => tracks.push({ type: "unpublished", track }),
    },
  });
});

after(async () => {
  clearInterval(producer);
  await observer?.close();
  await stack?.close();
  await livekit?.stop();
  await shutdownLiveKit();
});

/**
 * The `n`-th next frame of a video subscription (earlier ones come while the encoder ramps up),
 * read without ending the subscription.
 */
async function nthFrame(
  frames: AsyncIterable<ViewerVideoFrame>,
  n: number,
): Promise<ViewerVideoFrame> {
  const it = frames[Symbol.asyncIterator]();
  for (let i = 1; ; i++) {
    const r = await it.next();
    if (r.done === true) {
      throw new Error("video ended early");
    }
    if (i >= n) {
      return r.value;
    }
  }
}

function assertSolidColour(frame: ViewerVideoFrame, tolerance: number): void {
  assert.deepEqual([frame.width, frame.height, frame.format], [WIDTH, HEIGHT, "i420"]);
  assertMeanColour(frame, COLOUR, tolerance);
}

let viewerA: Viewer;

test("image channels are advertised as video unless suppressed", async () => {
  viewerA = await stack.connect({ identity: "viewer-a" });
  for (const topic of ["/cam/raw", "/cam/jpeg", "/cam/ros"]) {
    const channel = await viewerA.waitForChannel(topic, { timeoutMs: WAIT });
    assert.equal(channel.hasVideoTrack, true, topic);
  }
  const depth = await viewerA.waitForChannel("/depth", { timeoutMs: WAIT });
  assert.equal(depth.hasVideoTrack, false);
  assert.throws(() => viewerA.subscribe(depth, { video: true }), { code: "ERR_VALUE" });
});

test("a solid-colour RawImage arrives as a 640x480 frame of its colour; metadata is re-advertised", async () => {
  const channel = viewerA.channelsByTopic("/cam/raw")[0]!;
  const readvertised = new EventLog<Readonly<Record<string, string>>>();
  viewerA.on("channels", (list) => {
    const c = list.find((x) => x.id === channel.id);
    if (c !== undefined) readvertised.push(c.metadata);
  });
  const sub = viewerA.subscribe(channel, { video: true });
  const frame = await within(nthFrame(sub, 5), WAIT, "frames of /cam/raw");
  assertSolidColour(frame, 4);
  const metadata = await readvertised.waitFor(
    (m) => m["foxglove.videoSourceEncoding"] !== undefined,
    WAIT,
    "re-advertisement",
  );
  assert.equal(metadata["foxglove.videoSourceEncoding"], "rgb8");
  assert.equal(metadata["foxglove.videoFrameId"], "camera");
  assert.equal(metadata["foxglove.hasVideoTrack"], "true");
  sub.unsubscribe();
  await tracks.waitFor(
    (e) => e.type === "unpublished" && e.track.name === `video-ch-${channel.id}`,
    WAIT,
    "track gone",
  );
});

test("a JPEG CompressedImage arrives as a frame of its size and colour (RGBA on request)", async () => {
  const channel = viewerA.channelsByTopic("/cam/jpeg")[0]!;
  const sub = viewerA.subscribe(channel, { video: true, format: "rgba" });
  const frame = await within(nthFrame(sub, 5), WAIT, "frames of /cam/jpeg");
  sub.unsubscribe();
  assert.deepEqual([frame.width, frame.height, frame.format], [WIDTH, HEIGHT, "rgba"]);
  const sums: [number, number, number] = [0, 0, 0];
  for (let i = 0; i < frame.data.length; i += 4) {
    sums[0] += frame.data[i]!;
    sums[1] += frame.data[i + 1]!;
    sums[2] += frame.data[i + 2]!;
  }
  sums.forEach((s, k) => {
    const mean = s / (WIDTH * HEIGHT);
    assert.ok(
      Math.abs(mean - COLOUR[k]!) <= 6,
      `channel ${k}: mean ${mean.toFixed(1)}, expected ${COLOUR[k]}`,
    );
  });
});

test("a ROS 2 sensor_msgs/Image arrives as a frame of its size and colour", async () => {
  const channel = viewerA.channelsByTopic("/cam/ros")[0]!;
  const sub = viewerA.subscribe(channel, { video: true });
  const frame = await within(nthFrame(sub, 5), WAIT, "frames of /cam/ros");
  sub.unsubscribe();
  assertSolidColour(frame, 4);
});

test("two viewers share one track, which goes away when the last one unsubscribes", async () => {
  const viewerB = await stack.connect({ identity: "viewer-b" });
  const channel = await viewerB.waitForChannel("/cam/raw", { timeoutMs: WAIT });
  const name = `video-ch-${channel.id}`;
  const before = tracks.items.length;
  const a = viewerA.subscribe(channel.id, { video: true });
  const b = viewerB.subscribe(channel, { video: true });
  const [fa, fb] = await within(
    Promise.all([nthFrame(a, 3), nthFrame(b, 3)]),
    WAIT,
    "frames at both viewers",
  );
  assert.equal(fa.width, WIDTH);
  assert.equal(fb.width, WIDTH);
  const published = tracks.items
    .slice(before)
    .filter((e) => e.type === "published" && e.track.name === name);
  assert.equal(published.length, 1, "one track for both viewers");
  a.unsubscribe();
  // B still receives frames from the same track after A left.
  const more = await within(nthFrame(b, 3), WAIT, "frames at B after A left");
  assert.equal(more.height, HEIGHT);
  assert.equal(
    tracks.items.slice(before).filter((e) => e.type === "unpublished" && e.track.name === name)
      .length,
    0,
  );
  b.unsubscribe();
  await tracks.waitFor(
    (e) => tracks.items.indexOf(e) >= before && e.type === "unpublished" && e.track.name === name,
    WAIT,
    `${name} unpublished`,
  );
  await viewerB.close();
});

test("the track goes away when its only viewer leaves", async () => {
  const viewerC = await stack.connect({ identity: "viewer-c" });
  const channel = await viewerC.waitForChannel("/cam/raw", { timeoutMs: WAIT });
  const name = `video-ch-${channel.id}`;
  const sub = viewerC.subscribe(channel, { video: true });
  await within(nthFrame(sub, 2), WAIT, "frames at C");
  const before = tracks.items.length;
  await viewerC.close();
  assert.equal(sub.active, false);
  await tracks.waitFor(
    (e) => tracks.items.indexOf(e) >= before && e.type === "unpublished" && e.track.name === name,
    WAIT,
    `${name} unpublished after C left`,
  );
});

test("removing the channel unpublishes its track and ends the viewer's subscription", async () => {
  const temp = new Channel("/cam/temp", { context: stack.context, encoder: RawImage });
  const timer = setInterval(
    () =>
      temp.log({
        timestamp: { sec: 1, nsec: 0 },
        frame_id: "",
        width: 64,
        height: 32,
        encoding: "mono8",
        step: 64,
        data: new Uint8Array(64 * 32).fill(90),
      }),
    33,
  );
  try {
    const channel = await viewerA.waitForChannel("/cam/temp", { timeoutMs: WAIT });
    const sub = viewerA.subscribe(channel, { video: true });
    const frame = await within(nthFrame(sub, 2), WAIT, "frames of /cam/temp");
    assert.deepEqual([frame.width, frame.height], [64, 32]);
    temp.close();
    await tracks.waitFor(
      (e) => e.type === "unpublished" && e.track.name === `video-ch-${channel.id}`,
      WAIT,
      "track of the removed channel gone",
    );
    await within(
      (async () => {
        const it = sub[Symbol.asyncIterator]();
        while ((await it.next()).done !== true) {
          // drain what was buffered
        }
      })(),
      WAIT,
      "the subscription to end",
    );
    assert.equal(sub.active, false);
  } finally {
    clearInterval(timer);
  }
});

test("a video subscription carries on after its viewer was removed from the room and rejoined", async () => {
  const viewerD = await stack.connect({ reconnect: { initialDelayMs: 50 } });
  const channel = await viewerD.waitForChannel("/cam/raw", { timeoutMs: WAIT });
  const sub = viewerD.subscribe(channel, { video: true });
  assertSolidColour(await within(nthFrame(sub, 2), WAIT, "frames before"), 6);
  const events = new EventLog<string>();
  viewerD.on("disconnected", () => events.push("disconnected"));
  viewerD.on("reconnected", () => events.push("reconnected"));
  const svc = new RoomServiceClient(livekit.httpUrl, livekit.apiKey, livekit.apiSecret);
  const [room] = await svc.listRooms();
  await svc.removeParticipant(room!.name, viewerD.identity);
  await events.waitFor((e) => e === "reconnected", WAIT, "the viewer rejoining");
  assert.deepEqual(events.items, ["disconnected", "reconnected"]);
  // The same subscription receives the track the device publishes for the new connection.
  const frame = await within(nthFrame(sub, 2), WAIT, "frames after rejoining");
  assertSolidColour(frame, 6);
  assert.equal(frame.channel.topic, "/cam/raw");
  assert.equal(sub.channel, frame.channel);
  assert.equal(sub.active, true);
  await viewerD.close();
  assert.equal(sub.active, false);
});

test("an image channel that logged nothing gets its track at once, and only real frames on it", async () => {
  // Spec §7.5: the track is published on the first video subscriber, before any frame. LiveKit's
  // source would fill it with black placeholder frames until its first capture; none may reach
  // the viewer.
  const idle = new Channel("/cam/idle", { context: stack.context, encoder: RawImage });
  let timer: NodeJS.Timeout | undefined;
  try {
    const channel = await viewerA.waitForChannel("/cam/idle", { timeoutMs: WAIT });
    const name = `video-ch-${channel.id}`;
    const before = tracks.items.length;
    const sub = viewerA.subscribe(channel, { video: true });
    await tracks.waitFor(
      (e) => tracks.items.indexOf(e) >= before && e.type === "published" && e.track.name === name,
      WAIT,
      `${name} published before any image`,
    );
    assert.equal(sub.active, true);
    // Nothing is decoded while the channel logs nothing (LiveKit's placeholders came at 10 per
    // second): a bounded wait for a frame that must not come.
    const next = sub[Symbol.asyncIterator]().next();
    const early = await Promise.race([next.then(() => "a frame"), delay(1500, "none")]);
    assert.equal(early, "none", "a frame before the channel logged anything");
    timer = setInterval(() => idle.log(rawImage), 33);
    const first = await within(next, WAIT, "the first frame of /cam/idle");
    assert.equal(first.done, false);
    assertSolidColour(first.value, 6);
    sub.unsubscribe();
    await tracks.waitFor(
      (e) => tracks.items.indexOf(e) >= before && e.type === "unpublished" && e.track.name === name,
      WAIT,
      `${name} unpublished`,
    );
  } finally {
    clearInterval(timer);
    idle.close();
  }
});

test("a video subscription that gets no frame within timeoutMs ends with ERR_TIMEOUT and is released", async () => {
  // An image channel that logs nothing: its track comes, its frames never do.
  const idle = new Channel("/cam/silent", { context: stack.context, encoder: RawImage });
  try {
    const channel = await viewerA.waitForChannel("/cam/silent", { timeoutMs: WAIT });
    const sub = viewerA.subscribe(channel, { video: true, timeoutMs: 1500 });
    await assert.rejects(within(nthFrame(sub, 1), WAIT, "the timeout"), {
      code: "ERR_TIMEOUT",
      message: /no frame of \/cam\/silent within 1500 ms/,
    });
    assert.equal(sub.active, false);
    // Released: the channel can be subscribed again, as data this time.
    const data = viewerA.subscribe(channel.id);
    data.unsubscribe();
  } finally {
    idle.close();
  }
});

test("a camera watched as video and as data at once: encoded bytes to one viewer, frames to the other", async () => {
  // Small enough for a Lossy data-track message; typed, as most devices log their cameras.
  const side = 32;
  const small = solidRawImage(side, side, COLOUR);
  const cam = new Channel("/cam/small", { context: stack.context, encoder: RawImage });
  const timer = setInterval(() => cam.log(small), 33);
  const viewerE = await stack.connect({ identity: "viewer-e" });
  try {
    const channel = await viewerA.waitForChannel("/cam/small", { timeoutMs: WAIT });
    const video = viewerA.subscribe(channel, { video: true });
    const first = await within(nthFrame(video, 3), WAIT, "frames of /cam/small");
    assert.deepEqual([first.width, first.height], [side, side]);
    assertMeanColour(first, COLOUR, 6);
    // A data subscriber joins: the message is now encoded, and both keep getting what they asked.
    const data = viewerE.subscribe(channel.id);
    const it = data[Symbol.asyncIterator]();
    const message = await within(it.next(), WAIT, "data of /cam/small");
    assert.deepEqual(message.value?.data, RawImage.encode(small));
    const later = await within(nthFrame(video, 3), WAIT, "frames beside the data");
    assertMeanColour(later, COLOUR, 6);
    data.unsubscribe();
    video.unsubscribe();
  } finally {
    clearInterval(timer);
    cam.close();
    await viewerE.close();
  }
});

test("a viewer toggling a video subscription gets one track of the channel at a time, then frames", async () => {
  const channel = viewerA.channelsByTopic("/cam/raw")[0]!;
  const name = `video-ch-${channel.id}`;
  const before = tracks.items.length;
  for (let i = 0; i < 10; i++) {
    viewerA.subscribe(channel, { video: true }).unsubscribe();
  }
  const sub = viewerA.subscribe(channel, { video: true });
  const frame = await within(nthFrame(sub, 3), WAIT, "frames after the toggles");
  assertSolidColour(frame, 6);
  sub.unsubscribe();
  await tracks.waitFor(
    (e) => tracks.items.indexOf(e) >= before && e.type === "unpublished" && e.track.name === name,
    WAIT,
    `${name} unpublished`,
  );
  // Never two tracks of the name at once, as the observer saw them come and go. (That publishers
  // toggled off before their turn never publish is checked in src/media/VideoPublisher.test.ts:
  // LiveKit coalesces a publish with its unpublish, so the observer cannot count them.)
  let live = 0;
  for (const e of tracks.items.slice(before)) {
    if (e.track.name !== name) continue;
    live += e.type === "published" ? 1 : -1;
    assert.ok(live <= 1, "two tracks of one channel at once");
  }
});
