import assert from "node:assert/strict";
import { test } from "node:test";
import { ByteStreamSender, type ByteSink } from "./ByteStreamSender.js";

/** A sink whose writes complete only when the test releases them. */
class ManualSink implements ByteSink {
  writes: Uint8Array[] = [];
  /** The chunk lists of each write, as received. */
  chunks: (readonly Uint8Array[])[] = [];
  closed = false;
  #pending: { resolve: () => void; reject: (e: Error) => void }[] = [];
  write(chunks: readonly Uint8Array[], byteLength: number): Promise<void> {
    this.chunks.push(chunks);
    const chunk = new Uint8Array(byteLength);
    let offset = 0;
    for (const c of chunks) {
      chunk.set(c, offset);
      offset += c.byteLength;
    }
    this.writes.push(chunk);
    return new Promise((resolve, reject) => this.#pending.push({ resolve, reject }));
  }
  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }
  async complete(): Promise<void> {
    this.#pending.shift()?.resolve();
    await new Promise((r) => setImmediate(r));
  }
  async failNext(message: string): Promise<void> {
    this.#pending.shift()?.reject(new Error(message));
    await new Promise((r) => setImmediate(r));
  }
}

const bytes = (...v: number[]) => new Uint8Array(v);

test("writes made while one is in flight are merged into the next write", async () => {
  const sink = new ManualSink();
  const s = new ByteStreamSender(sink);
  const p1 = s.write(bytes(1));
  const p2 = s.write(bytes(2, 3));
  const p3 = s.write(bytes(4));
  assert.equal(s.bufferedBytes, 4);
  assert.deepEqual(sink.writes, [bytes(1)]);
  await sink.complete();
  await p1;
  assert.deepEqual(sink.writes, [bytes(1), bytes(2, 3, 4)]);
  await sink.complete();
  await Promise.all([p2, p3]);
  assert.equal(s.bufferedBytes, 0);
  assert.equal(s.bytesSent, 4);
});

test("writeAll sends its chunks back to back, uncopied, batched with other writes", async () => {
  const sink = new ManualSink();
  const s = new ByteStreamSender(sink);
  const shared = bytes(7, 7);
  const p1 = s.write(bytes(1));
  const p2 = s.writeAll([shared, bytes(8)]);
  const p3 = s.writeAll([]);
  const p4 = s.write(bytes(9));
  assert.equal(s.bufferedBytes, 5);
  await sink.complete();
  await Promise.all([p1, p3]);
  assert.deepEqual(sink.writes, [bytes(1), bytes(7, 7, 8, 9)]);
  assert.equal(sink.chunks[1]?.[0], shared); // handed to the sink as is
  await sink.complete();
  await Promise.all([p2, p4]);
  assert.equal(s.bytesSent, 5);
});

test("batches never exceed maxBatchBytes unless one chunk alone does", async () => {
  const sink = new ManualSink();
  const s = new ByteStreamSender(sink, { maxBatchBytes: 3 });
  void s.write(bytes(0));
  void s.write(bytes(1, 1));
  void s.write(bytes(2, 2));
  void s.write(bytes(3, 3, 3, 3));
  for (let i = 0; i < 4; i++) await sink.complete();
  assert.deepEqual(
    sink.writes.map((w) => w.byteLength),
    [1, 2, 2, 4],
  );
});

test("a failed write rejects it and everything queued, calls onError once, and poisons the sender", async () => {
  const sink = new ManualSink();
  const errors: string[] = [];
  const s = new ByteStreamSender(sink, {
    onError: (e) => errors.push(e.code),
    description: "test stream",
  });
  const p1 = s.write(bytes(1));
  const p2 = s.write(bytes(2));
  await sink.failNext("link down");
  await assert.rejects(
    p1,
    (e: { code?: string; message?: string }) =>
      e.code === "ERR_LIVEKIT" && /test stream.*link down/.test(e.message ?? ""),
  );
  await assert.rejects(p2, { code: "ERR_LIVEKIT" });
  await assert.rejects(s.write(bytes(3)), { code: "ERR_LIVEKIT" });
  assert.deepEqual(errors, ["ERR_LIVEKIT"]);
  assert.equal(s.closed, true);
  assert.equal(s.bufferedBytes, 0);
});

test("ignored rejections do not become unhandled", async () => {
  const sink = new ManualSink();
  const s = new ByteStreamSender(sink);
  let unhandled = 0;
  const onUnhandled = () => (unhandled += 1);
  process.on("unhandledRejection", onUnhandled);
  try {
    void s.write(bytes(1));
    await sink.failNext("gone");
    void s.write(bytes(2));
    await new Promise((r) => setImmediate(r));
    assert.equal(unhandled, 0);
  } finally {
    process.off("unhandledRejection", onUnhandled);
  }
});

test("close flushes queued data first, then closes the sink; later writes are refused", async () => {
  const sink = new ManualSink();
  const s = new ByteStreamSender(sink);
  void s.write(bytes(1));
  void s.write(bytes(2));
  const closing = s.close();
  assert.equal(sink.closed, false);
  await sink.complete();
  await sink.complete();
  await closing;
  assert.equal(sink.closed, true);
  assert.deepEqual(sink.writes, [bytes(1), bytes(2)]);
  await assert.rejects(s.write(bytes(3)), { code: "ERR_CHANNEL_CLOSED" });
  await s.close();
});
