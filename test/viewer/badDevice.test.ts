// The viewer against a hand-made device in a real LiveKit room that sends malformed frames,
// corrupt streams, bad data-track frames and resets: every case is a typed error event, never a
// crash, and the viewer keeps working.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { FoxgloveError } from "../../src/core/FoxgloveError.js";
import type { ByteStreamSender, LiveKitRoom } from "../../src/livekit/index.js";
import {
  decodeClientFrame,
  encodeDataTrackFrame,
  encodeJsonFrame,
  encodeMessageDataFrame,
  encodeServerFrame,
  FrameDecoder,
  type AdvertisedChannel,
  type ClientMessage,
} from "../../src/protocol/index.js";
import { connectViewer, type Viewer, type ViewerMessage } from "../../src/viewer/index.js";
import { EventLog, within } from "../helpers/EventLog.js";
import { startLiveKitServer, type TestLiveKitServer } from "../helpers/livekitServer.js";

let livekit: TestLiveKitServer;
before(async () => {
  livekit = await startLiveKitServer("viewer-bad-device");
});
after(async () => {
  await livekit?.stop();
});

const V = { protocolVersion: "2.2.0" };
const channels: AdvertisedChannel[] = [
  { id: 1, topic: "/data", encoding: "json", schemaName: "", schema: "" },
  {
    id: 2,
    topic: "/rel",
    encoding: "json",
    schemaName: "",
    schema: "",
    metadata: { "foxglove.reliable": "true" },
  },
];
const hello = (name: string) => [
  encodeServerFrame({ op: "serverInfo", name, capabilities: ["someFutureCapability"] }),
  encodeServerFrame({ op: "advertise", channels }),
];

/** A device participant that speaks raw frames, and records what viewers send it. */
async function fakeDevice(room: string, identity: string, attributes = V) {
  const device: LiveKitRoom = await livekit.join(room, identity, { attributes });
  const received = new EventLog<ClientMessage>();
  const streamsFromViewer = new EventLog<string>();
  device.onByteStream("control", async (stream) => {
    streamsFromViewer.push(stream.streamId);
    const decoder = new FrameDecoder();
    for await (const chunk of stream) {
      for (const frame of decoder.push(chunk)) {
        received.push(decodeClientFrame(frame));
      }
    }
  });
  const activeViewers = new EventLog<string>();
  device.addListener({ onParticipantActive: (p) => activeViewers.push(p.identity) });
  return {
    device,
    received,
    streamsFromViewer,
    async openStream(viewer: string): Promise<ByteStreamSender> {
      await activeViewers.waitFor((id) => id === viewer, 15_000, "viewer active");
      return await device.openByteStream({ topic: "control", destinationIdentities: [viewer] });
    },
  };
}

async function connect(
  room: string,
  identity: string,
  deviceIdentity: string,
  errors: EventLog<FoxgloveError>,
  extra: Partial<Parameters<typeof connectViewer>[0]> = {},
): Promise<Viewer> {
  return await connectViewer({
    livekitUrl: livekit.url,
    token: await livekit.token(room, identity, V),
    deviceIdentity,
    iceServers: livekit.iceServers,
    listener: { error: (e) => errors.push(e) },
    ...extra,
  });
}

test("malformed input from the device becomes error events and the viewer keeps working", async (t) => {
  const room = "bad-input";
  const fake = await fakeDevice(room, "dev_fake");
  t.after(() => fake.device.close());
  const errors = new EventLog<FoxgloveError>();
  const resets = new EventLog<string>();
  const ops = new EventLog<string>();
  const connecting = connect(room, "viewer-1", "dev_fake", errors, {
    listener: {
      error: (e) => errors.push(e),
      reset: () => resets.push("reset"),
      message: (m) => ops.push(m.op),
    },
  });
  const s1 = await fake.openStream("viewer-1");
  for (const f of hello("fake")) await s1.write(f);
  await s1.write(encodeJsonFrame("{definitely not json"));
  await s1.write(encodeJsonFrame('{"op":"fromTheFuture","x":1}'));
  await s1.write(new Uint8Array([2, 1, 0, 0, 0, 0x7e])); // unknown binary opcode
  await s1.write(new Uint8Array([1, 0, 0, 0, 0])); // empty frame
  await s1.write(encodeMessageDataFrame(2, 1n, new Uint8Array([1]))); // not subscribed yet
  const viewer = await connect_(connecting);
  t.after(() => viewer.close());
  assert.equal(viewer.serverInfo?.name, "fake");
  assert.deepEqual(viewer.serverInfo?.capabilities, ["someFutureCapability"]);
  await ops.waitFor((op) => op === "messageData", 10_000, "the unsubscribed MessageData");
  assert.equal(errors.items.length, 4);
  assert.ok(errors.items.slice(0, 4).every((e) => e.code === "ERR_DECODE"));

  // Still working: a reliable subscription reaches the device and its data comes back.
  const rel = viewer.subscribe("/rel");
  await fake.received.waitFor((m) => m.op === "subscribe", 10_000, "subscribe");
  await s1.write(encodeMessageDataFrame(2, 77n, new TextEncoder().encode("{}")));
  const first = await next(rel);
  assert.equal(first.logTime, 77n);

  // Data track frames: malformed ones are errors, good ones messages with their log times.
  const track = await fake.device.publishDataTrack("data-ch-1");
  const data = viewer.subscribe("/data");
  await fake.received.waitFor(
    (m) => m.op === "subscribe" && m.channels.some((c) => c.id === 1),
    10_000,
    "subscribe /data",
  );
  let seq = 0;
  const pump = setInterval(() => {
    track.tryPush(new Uint8Array([0, 0, 8]), 5n); // shorter than the header
    track.tryPush(encodeDataTrackFrame(seq++, new TextEncoder().encode('{"ok":1}')), 123456789n);
  }, 20);
  let lossy: ViewerMessage;
  try {
    lossy = await next(data);
    await errors.waitFor((e) => /data track/.test(e.message), 10_000, "data-track error");
  } finally {
    clearInterval(pump);
  }
  assert.equal(lossy.logTime, 123456789n);
  assert.equal(lossy.source, "dataTrack");

  // A corrupt stream is dropped with an error; the device's next stream is a full reset.
  await s1.write(new Uint8Array([9, 1, 0, 0, 0, 0]));
  await errors.waitFor((e) => e.code === "ERR_PROTOCOL", 10_000, "corrupt stream");
  assert.equal(viewer.isClosed, false);
  const streamsBefore = fake.streamsFromViewer.items.length;
  const receivedBefore = fake.received.items.length;
  const s2 = await fake.device.openByteStream({
    topic: "control",
    destinationIdentities: ["viewer-1"],
  });
  for (const f of hello("fake-again")) await s2.write(f);
  await resets.waitFor(() => true, 10_000, "reset");
  // The viewer renews its subscriptions on a new control stream of its own.
  await fake.streamsFromViewer.waitFor(() => fake.streamsFromViewer.items.length > streamsBefore);
  await fake.received.waitFor(
    (m) =>
      fake.received.items.indexOf(m) >= receivedBefore &&
      m.op === "subscribe" &&
      m.channels.length === 2,
    10_000,
    "renewed subscribe",
  );
  assert.equal(viewer.serverInfo?.name, "fake-again");
  await s2.write(encodeMessageDataFrame(2, 78n, new TextEncoder().encode("{}")));
  assert.equal((await next(rel)).logTime, 78n);

  // An oversize frame header is refused before any payload arrives.
  await s2.write(new Uint8Array([1, 0, 0, 0, 2]));
  await errors.waitFor((e) => e.code === "ERR_FRAME_TOO_LARGE", 10_000, "oversize");
  assert.equal(viewer.isClosed, false);
  await viewer.close();
  await fake.device.close();
});

test("a device with an incompatible protocol version is refused", async () => {
  const room = "future-device";
  const fake = await fakeDevice(room, "dev_v3", { protocolVersion: "3.0.0" });
  const errors = new EventLog<FoxgloveError>();
  await assert.rejects(
    connect(room, "viewer-2", "dev_v3", errors),
    (e: FoxgloveError) => e.code === "ERR_PROTOCOL" && /3\.0\.0/.test(e.message),
  );
  await fake.device.close();
});

test("a one-shot error status without serverInfo means the device rejected us", async () => {
  const room = "rejecting-device";
  const fake = await fakeDevice(room, "dev_rejecting");
  const errors = new EventLog<FoxgloveError>();
  const connecting = connect(room, "viewer-3", "dev_rejecting", errors);
  const s = await fake.openStream("viewer-3");
  await s.write(encodeServerFrame({ op: "status", level: 2, message: "go away" }));
  await s.close();
  await assert.rejects(
    connecting,
    (e: FoxgloveError) => e.code === "ERR_PROTOCOL" && /go away/.test(e.message),
  );
  await fake.device.close();
});

async function connect_(p: Promise<Viewer>): Promise<Viewer> {
  return await within(p, 20_000, "viewer connected");
}

async function next(sub: AsyncIterable<ViewerMessage>): Promise<ViewerMessage> {
  const r = await within(sub[Symbol.asyncIterator]().next(), 10_000, "next message");
  assert.equal(r.done, false);
  return r.value;
}
