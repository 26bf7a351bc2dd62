import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { RoomServiceClient } from "livekit-server-sdk";
import { FoxgloveError } from "../../src/core/FoxgloveError.js";
import { directWriteCounts } from "../../src/livekit/native.js";
import { setLogger, setLogLevel, type Logger } from "../../src/core/logger.js";
import {
  connectRoom,
  shutdownLiveKit,
  type IncomingByteStream,
  type LiveKitRoom,
  type RemoteParticipantInfo,
} from "../../src/livekit/index.js";
import { EventLog } from "../helpers/EventLog.js";
import { startLiveKitServer, type TestLiveKitServer } from "../helpers/livekitServer.js";

type PEvent = { type: "connected" | "active" | "disconnected"; p: RemoteParticipantInfo };

let server: TestLiveKitServer;
const rooms: LiveKitRoom[] = [];
const logs = new EventLog<{ level: keyof Logger; text: string }>();

before(async () => {
  server = await startLiveKitServer("room");
  const capture =
    (level: keyof Logger) =>
    (...args: unknown[]) =>
      logs.push({
        level,
        text: args.map((a) => (a instanceof Error ? `${a.message}` : String(a))).join(" "),
      });
  setLogger({
    debug: capture("debug"),
    info: capture("info"),
    warn: capture("warn"),
    error: capture("error"),
  });
  setLogLevel("debug");
});

after(async () => {
  await Promise.all(rooms.map((r) => r.close()));
  await server?.stop();
  await shutdownLiveKit();
});

async function join(
  room: string,
  identity: string,
  events?: EventLog<PEvent>,
  attributes?: Record<string, string>,
) {
  const r = await server.join(room, identity, {
    ...(attributes !== undefined ? { attributes } : {}),
    ...(events !== undefined
      ? {
          listener: {
            onParticipantConnected: (p) => events.push({ type: "connected", p }),
            onParticipantActive: (p) => events.push({ type: "active", p }),
            onParticipantDisconnected: (p) => events.push({ type: "disconnected", p }),
          },
        }
      : {}),
  });
  rooms.push(r);
  return r;
}

/** Frames messages as [u32 LE length][bytes]; reassembles them from arbitrary chunks. */
function frame(message: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + message.byteLength);
  new DataView(out.buffer).setUint32(0, message.byteLength, true);
  out.set(message, 4);
  return out;
}

async function* unframe(stream: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  let buf = new Uint8Array(0);
  for await (const chunk of stream) {
    const next = new Uint8Array(buf.byteLength + chunk.byteLength);
    next.set(buf);
    next.set(chunk, buf.byteLength);
    buf = next;
    while (buf.byteLength >= 4) {
      const len = new DataView(buf.buffer, buf.byteOffset).getUint32(0, true);
      if (buf.byteLength < 4 + len) {
        break;
      }
      yield buf.slice(4, 4 + len);
      buf = buf.subarray(4 + len);
    }
  }
}

const text = (s: string) => new TextEncoder().encode(s);
const str = (b: Uint8Array) => new TextDecoder().decode(b);

/** Collects the framed messages of every "control" stream a room receives. */
function collectControl(room: LiveKitRoom) {
  const messages = new EventLog<{ from: string; message: string }>();
  const streams = new EventLog<IncomingByteStream>();
  room.onByteStream("control", async (stream) => {
    streams.push(stream);
    for await (const m of unframe(stream)) {
      messages.push({ from: stream.identity, message: str(m) });
    }
  });
  return { messages, streams };
}

test("participant-active fires for participants present before and joining after our connect", async () => {
  const early = await join("active", "early", undefined, { protocolVersion: "2.2.0" });
  const events = new EventLog<PEvent>();
  const device = await join("active", "device", events);
  assert.equal(device.localIdentity, "device");
  const first = await events.waitFor((e) => e.type === "active" && e.p.identity === "early");
  assert.equal(first.p.attributes.protocolVersion, "2.2.0");
  assert.equal(first.p.state, "active");
  assert.ok(
    events.items.findIndex((e) => e.type === "connected" && e.p.identity === "early") <
      events.items.indexOf(first),
    "connected comes before active",
  );
  await join("active", "late", undefined, { protocolVersion: "2.3.0" });
  const late = await events.waitFor((e) => e.type === "active" && e.p.identity === "late", 15_000);
  assert.equal(late.p.attributes.protocolVersion, "2.3.0");
  assert.ok(device.isParticipantActive("late"));
  assert.deepEqual(
    device
      .remoteParticipants()
      .map((p) => p.identity)
      .sort(),
    ["early", "late"],
  );
  // Exactly one active event per participant.
  assert.equal(events.items.filter((e) => e.type === "active").length, 2);

  await early.close();
  const gone = await events.waitFor(
    (e) => e.type === "disconnected" && e.p.identity === "early",
    15_000,
  );
  assert.equal(gone.p.state, "disconnected");
  assert.equal(gone.p.disconnectReason, "CLIENT_INITIATED");
  assert.equal(device.getParticipant("early"), undefined);
});

test("two participants exchange framed control messages both ways; a third receives nothing", async () => {
  const device = await join("ctl", "device");
  const viewer = await join("ctl", "viewer");
  const other = await join("ctl", "other");
  const atDevice = collectControl(device);
  const atViewer = collectControl(viewer);
  const atOther = collectControl(other);

  const made0 = directWriteCounts().made;
  const toViewer = await device.openByteStream({
    topic: "control",
    destinationIdentities: ["viewer"],
  });
  const toDevice = await viewer.openByteStream({
    topic: "control",
    destinationIdentities: ["device"],
  });
  const big = "x".repeat(40_000); // spans several 15 kB LiveKit chunks
  const small = Array.from({ length: 200 }, (_, i) => `m${i}`);
  for (const m of ["hello viewer", big, ...small]) {
    void toViewer.write(frame(text(m)));
  }
  for (const m of ["hello device", big]) {
    void toDevice.write(frame(text(m)));
  }
  await toViewer.flush();
  await toDevice.flush();
  assert.equal(toViewer.bufferedBytes, 0);

  await atViewer.messages.waitFor(
    (m) => m.message === "m199",
    15_000,
    "the last message at the viewer",
  );
  await atDevice.messages.waitFor(
    (m) => m.message === big,
    15_000,
    "the big message at the device",
  );
  assert.deepEqual(
    atViewer.messages.items.map((m) => m.message),
    ["hello viewer", big, ...small],
  );
  assert.ok(atViewer.messages.items.every((m) => m.from === "device"));
  assert.deepEqual(atDevice.messages.items, [
    { from: "viewer", message: "hello device" },
    { from: "viewer", message: big },
  ]);
  // Batching: 202 writes became far fewer LiveKit writes (the stream's chunks show it).
  assert.ok(toViewer.bytesSent > 40_000);
  // The writes went through the hand-encoded FFI request, and every completion was routed.
  const writes = directWriteCounts();
  assert.ok(writes.made - made0 >= 2 && writes.made - made0 < 202, `direct writes: ${writes.made}`);
  assert.equal(writes.pending, 0);

  // Barrier: a stream addressed to "other" arrives after the earlier streams were routed.
  const toOther = await device.openByteStream({
    topic: "control",
    destinationIdentities: ["other"],
  });
  await toOther.write(frame(text("only for other")));
  await toOther.close();
  await atOther.messages.waitFor((m) => m.message === "only for other", 15_000);
  assert.deepEqual(atOther.messages.items, [{ from: "device", message: "only for other" }]);
  assert.equal(atOther.streams.items.length, 1);

  await toViewer.close();
  await toDevice.close();
  await assert.rejects(toViewer.write(text("late")), { code: "ERR_CHANNEL_CLOSED" });
});

test("streams on topics without a handler are ignored; a topic takes one handler", async () => {
  const a = await join("topics", "a");
  const b = await join("topics", "b");
  const atB = collectControl(b);
  assert.throws(() => b.onByteStream("control", () => {}), { code: "ERR_VALUE" });
  const ignored = await a.openByteStream({ topic: "ws-protocol", destinationIdentities: ["b"] });
  await ignored.write(frame(text("ignored")));
  await ignored.close();
  const control = await a.openByteStream({ topic: "control", destinationIdentities: ["b"] });
  await control.write(frame(text("seen")));
  await control.close();
  await atB.messages.waitFor((m) => m.message === "seen");
  assert.deepEqual(
    atB.messages.items.map((m) => m.message),
    ["seen"],
  );
});

test("throwing listeners and stream handlers are logged and do not crash or starve others", async () => {
  const device = await join("throw", "device", undefined);
  const seen = new EventLog<string>();
  device.addListener({
    onParticipantActive() {
      throw new Error("listener boom");
    },
  });
  device.addListener({
    onParticipantActive: async () => {
      await Promise.resolve();
      throw new Error("async listener boom");
    },
  });
  device.addListener({ onParticipantActive: (p) => seen.push(p.identity) });
  let calls = 0;
  device.onByteStream("control", (stream) => {
    calls += 1;
    if (calls === 1) {
      throw new Error("handler boom");
    }
    return (async () => {
      for await (const m of unframe(stream)) {
        seen.push(`msg:${str(m)}`);
      }
    })();
  });
  const viewer = await join("throw", "viewer");
  await seen.waitFor((s) => s === "viewer", 15_000);
  await logs.waitFor((l) => l.level === "error" && l.text.includes("listener boom"));
  await logs.waitFor((l) => l.level === "error" && l.text.includes("async listener boom"));

  const s1 = await viewer.openByteStream({ topic: "control", destinationIdentities: ["device"] });
  await s1.write(frame(text("first")));
  await s1.close();
  await logs.waitFor((l) => l.level === "error" && l.text.includes("handler boom"));
  const s2 = await viewer.openByteStream({ topic: "control", destinationIdentities: ["device"] });
  await s2.write(frame(text("second")));
  await s2.close();
  await seen.waitFor((s) => s === "msg:second");
  assert.ok(!seen.items.includes("msg:first"));
});

test("a participant rejoining with the same identity replaces the old instance", async () => {
  const events = new EventLog<PEvent>();
  await join("dup", "device", events);
  const v1 = await join("dup", "viewer");
  const a1 = await events.waitFor((e) => e.type === "active" && e.p.identity === "viewer", 15_000);
  const v1Closed = new EventLog<string>();
  v1.addListener({ onDisconnected: (reason) => v1Closed.push(reason) });
  await join("dup", "viewer");
  const a2 = await events.waitFor(
    (e) => e.type === "active" && e.p.identity === "viewer" && e.p.sid !== a1.p.sid,
    15_000,
  );
  const i = events.items.findIndex((e) => e.type === "disconnected" && e.p.sid === a1.p.sid);
  assert.ok(
    i >= 0 && i < events.items.indexOf(a2),
    "old instance disconnected before the new one is active",
  );
  assert.equal(await v1Closed.waitFor(() => true), "DUPLICATE_IDENTITY");
  assert.equal(v1.connected, false);
});

test("a server-side removal closes the room and reports the reason", async () => {
  const ffi = () =>
    (globalThis as { _ffiClientInstance?: { listenerCount(e: string): number } })
      ._ffiClientInstance;
  const listenersBefore = ffi()?.listenerCount("ffi_event") ?? 0;
  const device = await join("kick", "device");
  assert.equal(ffi()?.listenerCount("ffi_event"), listenersBefore + 1);
  const closed = new EventLog<string>();
  device.addListener({ onDisconnected: (r) => closed.push(r) });
  const svc = new RoomServiceClient(server.httpUrl, server.apiKey, server.apiSecret);
  await svc.removeParticipant("kick", "device");
  assert.equal(await closed.waitFor(() => true), "PARTICIPANT_REMOVED");
  assert.equal(device.connected, false);
  assert.equal(device.disconnectReason, "PARTICIPANT_REMOVED");
  assert.equal(ffi()?.listenerCount("ffi_event"), listenersBefore, "rtc-node's room is detached");
  await assert.rejects(device.openByteStream({ topic: "control", destinationIdentities: ["x"] }), {
    code: "ERR_CHANNEL_CLOSED",
  });
  await assert.rejects(device.publishDataTrack("data-ch-1"), { code: "ERR_CHANNEL_CLOSED" });
  await device.close(); // still safe
});

test("a sender leaving mid-stream makes the receiver's iteration throw ERR_LIVEKIT", async () => {
  const sender = await join("midstream", "sender");
  const receiver = await join("midstream", "receiver");
  const outcome = new EventLog<unknown>();
  receiver.onByteStream("control", async (stream) => {
    try {
      for await (const chunk of stream) {
        outcome.push(chunk.byteLength);
      }
      outcome.push("ended");
    } catch (error) {
      outcome.push(error);
    }
  });
  const w = await sender.openByteStream({ topic: "control", destinationIdentities: ["receiver"] });
  await w.write(new Uint8Array(100));
  await outcome.waitFor((o) => o === 100);
  await sender.close();
  const error = await outcome.waitFor((o) => o instanceof Error || o === "ended", 15_000);
  assert.ok(error instanceof FoxgloveError, `got ${String(error)}`);
  assert.equal(error.code, "ERR_LIVEKIT");
  await assert.rejects(w.write(new Uint8Array(1)), (e: unknown) => e instanceof FoxgloveError);
});

test("join failures are typed, quick, and never reveal the token", async () => {
  const token = await server.token("errors", "someone");
  const closedPort = "ws://127.0.0.1:1";
  const started = Date.now();
  const error = await connectRoom(closedPort, token, {
    connectTimeoutMs: 2_000,
    joinRetries: 0,
  }).catch((e: unknown) => e);
  assert.ok(error instanceof FoxgloveError);
  assert.equal(error.code, "ERR_LIVEKIT");
  assert.ok(Date.now() - started < 5_000);
  assert.ok(!error.message.includes(token));

  const forged = await (
    await import("../../src/livekit/index.js")
  ).mintDevToken({
    apiKey: server.apiKey,
    apiSecret: "wrong-secret",
    room: "errors",
    identity: "forger",
  });
  const denied = await connectRoom(server.url, forged, { joinRetries: 0 }).catch((e: unknown) => e);
  assert.ok(denied instanceof FoxgloveError);
  assert.equal(denied.code, "ERR_LIVEKIT");
  assert.ok(!denied.message.includes(forged));

  await assert.rejects(connectRoom("not a url", token), { code: "ERR_VALUE" });
  await assert.rejects(connectRoom(server.url, ""), { code: "ERR_VALUE" });
  const aborted = new AbortController();
  aborted.abort();
  await assert.rejects(connectRoom(server.url, token, { signal: aborted.signal }), (e: unknown) => {
    return (
      e instanceof Error && (e.name === "AbortError" || (e as FoxgloveError).code === "ERR_ABORTED")
    );
  });
  // Native (Rust/libwebrtc) log records reach our logger...
  assert.ok(
    logs.items.some((l) => l.text.includes(" livekit[libwebrtc]:")),
    "native logs are routed",
  );
  // ...and nothing we logged during these tests contains a token.
  const leaked = logs.items.find(
    (l) => /eyJ[\w-]+\.[\w-]+\./.test(l.text) || l.text.includes(token),
  );
  assert.equal(leaked, undefined);
});
