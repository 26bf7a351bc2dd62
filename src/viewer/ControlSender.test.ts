import assert from "node:assert/strict";
import { test } from "node:test";
import { FoxgloveError } from "../core/FoxgloveError.js";
import { decodeClientFrame, FrameDecoder, type ClientMessage } from "../protocol/index.js";
import { ControlSender, type OutgoingStream } from "./ControlSender.js";

class FakeStream implements OutgoingStream {
  readonly written: Uint8Array[] = [];
  fail = false;
  closed = false;
  write(chunk: Uint8Array): Promise<void> {
    if (this.fail) return Promise.reject(new FoxgloveError("ERR_LIVEKIT", "write failed"));
    this.written.push(chunk);
    return Promise.resolve();
  }
  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }
  ops(): string[] {
    const d = new FrameDecoder();
    return this.written.flatMap((c) => d.push(c)).map((f) => decodeClientFrame(f).op);
  }
}

const tick = () => new Promise((r) => setImmediate(r));

function setup(resume: ClientMessage[] = []) {
  const streams: FakeStream[] = [];
  const errors: FoxgloveError[] = [];
  let failOpen = false;
  let onOpen: (() => void) | undefined;
  const sender = new ControlSender({
    open: () => {
      if (failOpen) return Promise.reject(new FoxgloveError("ERR_LIVEKIT", "cannot open"));
      const s = new FakeStream();
      streams.push(s);
      onOpen?.();
      return Promise.resolve(s);
    },
    onError: (e) => errors.push(e),
    resume: () => resume,
    retryMs: 5,
  });
  /** Resolves at the next successful open (rejects after 5 s). */
  const nextOpen = () =>
    new Promise<void>((resolve, reject) => {
      const deadline = setTimeout(() => reject(new Error("no open within 5 s")), 5000);
      onOpen = () => {
        clearTimeout(deadline);
        resolve();
      };
    });
  return { sender, streams, errors, setFailOpen: (v: boolean) => (failOpen = v), nextOpen };
}

const ping: ClientMessage = { op: "ping", appTimestamp: 1n };
const sub: ClientMessage = { op: "subscribe", channels: [{ id: 1 }] };

test("holds messages until the device is ready, then opens one stream for everything", async () => {
  const { sender, streams } = setup();
  sender.send(sub);
  await tick();
  assert.equal(streams.length, 0);
  assert.equal(sender.pending, 1);
  sender.setReady(true);
  await tick();
  sender.send(ping);
  await tick();
  assert.equal(streams.length, 1);
  assert.deepEqual(streams[0]!.ops(), ["subscribe", "ping"]);
});

test("after a failed write the next send opens a new stream and resumes first", async () => {
  const { sender, streams, errors } = setup([sub]);
  sender.setReady(true);
  sender.send(ping);
  await tick();
  streams[0]!.fail = true;
  sender.send(ping);
  await tick();
  assert.equal(errors.length, 1);
  sender.send({ op: "unsubscribe", channelIds: [2] });
  await tick();
  assert.equal(streams.length, 2);
  assert.deepEqual(streams[1]!.ops(), ["subscribe", "unsubscribe"]);
});

test("a reset ends the stream and discards held messages", async () => {
  const { sender, streams } = setup();
  sender.setReady(true);
  sender.send(ping);
  await tick();
  sender.setReady(false);
  sender.send(sub);
  assert.equal(streams[0]!.closed, true);
  sender.setReady(false);
  assert.equal(sender.pending, 0);
  sender.send(ping);
  sender.setReady(true);
  await tick();
  assert.equal(streams.length, 2);
  assert.deepEqual(streams[1]!.ops(), ["ping"]);
});

test("a failed open is reported and retried", async () => {
  const { sender, streams, errors, setFailOpen, nextOpen } = setup();
  setFailOpen(true);
  sender.setReady(true);
  sender.send(ping);
  await tick();
  assert.equal(errors[0]?.message, "cannot open");
  assert.equal(streams.length, 0);
  setFailOpen(false);
  await nextOpen(); // the retry (after retryMs)
  await tick();
  assert.deepEqual(streams[0]?.ops(), ["ping"]);
});

test("unencodable messages and an overfull hold are reported, never thrown", async () => {
  const { sender, errors } = setup();
  sender.send({ op: "ping", appTimestamp: -1n });
  assert.equal(errors[0]?.code, "ERR_ENCODE");
  const small = new ControlSender({
    open: () => Promise.resolve(new FakeStream()),
    onError: (e) => errors.push(e),
    resume: () => [],
    maxPending: 2,
  });
  small.send(ping);
  small.send(ping);
  small.send(ping);
  assert.equal(small.pending, 2);
  assert.equal(errors[1]?.code, "ERR_IO");
  await small.close();
  small.send(ping);
  assert.equal(small.pending, 0); // held (device never ready) and discarded; later sends ignored
});

test("bufferedBytes counts held frames plus what the stream has not sent yet", async () => {
  const { sender, streams } = setup();
  sender.send(ping); // 5-byte frame header + 9-byte Ping
  assert.equal(sender.bufferedBytes, 14);
  sender.setReady(true);
  await tick();
  assert.equal(streams.length, 1);
  assert.equal(sender.bufferedBytes, 0); // the fake stream reports no buffer
  Object.defineProperty(streams[0], "bufferedBytes", { value: 1000 });
  assert.equal(sender.bufferedBytes, 1000);
});

test("close right after a send waits for the stream being opened and writes the message first", async () => {
  const { sender, streams } = setup();
  sender.setReady(true);
  sender.send(ping); // opens the stream (asynchronously)
  await sender.close(); // before the open completed
  assert.equal(streams.length, 1);
  assert.deepEqual(streams[0]!.ops(), ["ping"]);
  assert.equal(streams[0]!.closed, true);
  sender.send(sub); // after close: ignored
  await tick();
  assert.equal(streams.length, 1);
});
