import assert from "node:assert/strict";
import { mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { Context } from "../core/Context.js";
import { FoxgloveError } from "../core/FoxgloveError.js";
import { setLogger } from "../core/logger.js";
import { RawChannel } from "../core/RawChannel.js";
import { CapturingLogger } from "../core/testing/RecordingSink.js";
import { LIBRARY_ID } from "../core/version.js";
import type { McapCompression } from "./chunkCompression.js";
import { readFile } from "node:fs/promises";
import { McapStreamReader } from "@mcap/core";
import { loadDecompressHandlers } from "./chunkCompression.js";
import { FileWritable, type McapWritable } from "./FileWritable.js";
import { openMcap, UNCOPIED_MIN_BYTES } from "./McapWriter.js";
import { readIndexed, readStream } from "./testing/readMcap.js";

let dir: string;
const logger = new CapturingLogger();
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "mcap-writer-"));
  setLogger(logger);
});
after(async () => {
  setLogger(console);
  await rm(dir, { recursive: true, force: true });
});

const schema = { name: "test.Pose", encoding: "jsonschema", data: new TextEncoder().encode("{}") };

/** Deterministic message bytes of varying length (some compress, some do not). */
function payload(i: number): Uint8Array {
  const bytes = new Uint8Array(8 + ((i * 37) % 300));
  new DataView(bytes.buffer).setUint32(0, i, true);
  for (let k = 4; k < bytes.length; k++) {
    bytes[k] = (i * 7 + k * (i % 3 === 0 ? 0 : 13)) & 0xff;
  }
  return bytes;
}

for (const compression of ["zstd", "lz4", null] as McapCompression[]) {
  test(`compression ${String(compression)}: both @mcap/core readers get back every record`, async () => {
    const path = join(dir, `all-${String(compression)}.mcap`);
    const context = new Context();
    const a = new RawChannel("/a", {
      context,
      messageEncoding: "json",
      schema,
      metadata: { k: "v" },
    });
    const b = new RawChannel("/b", { context, messageEncoding: "json", schema });
    const c = new RawChannel("/c", { context, messageEncoding: "json" });
    new RawChannel("/unused", { context, messageEncoding: "json", schema });
    const writer = await openMcap(path, { context, compression, chunkSize: 4096 });
    const expected: { topic: string; logTime: bigint; data: Uint8Array }[] = [];
    for (let i = 0; i < 600; i++) {
      const channel = [a, b, c][i % 3]!;
      const data = payload(i);
      const logTime = 1_700_000_000_000_000_000n + BigInt(i) * 1000n;
      channel.log(data, { logTime });
      expected.push({ topic: channel.topic, logTime, data });
    }
    await writer.writeMetadata("run", { operator: "ci", site: "lab" });
    await writer.writeMetadata("empty", {});
    await writer.attach({
      name: "calib.json",
      mediaType: "application/json",
      data: new Uint8Array([1, 2, 3]),
      logTime: 5n,
    });
    await writer.close();

    const indexed = await readIndexed(path);
    assert.equal(indexed.header.library, `${LIBRARY_ID} mcap-typescript/2.2.2`);
    assert.deepEqual(indexed.chunkCompressions, [compression ?? ""]);
    assert.deepEqual(indexed.channels.map((ch) => ch.topic).sort(), ["/a", "/b", "/c"]);
    assert.equal(indexed.schemas.length, 1, "one schema shared by /a and /b");
    assert.deepEqual(
      indexed.channels.find((ch) => ch.topic === "/a")?.metadata,
      new Map([["k", "v"]]),
    );
    assert.equal(indexed.channels.find((ch) => ch.topic === "/c")?.schemaId, 0);
    assert.deepEqual(
      indexed.messages.map((m) => ({ topic: m.topic, logTime: m.logTime, data: m.data })),
      expected,
    );
    assert.deepEqual(
      indexed.messages
        .filter((m) => m.topic === "/b")
        .map((m) => m.sequence)
        .slice(0, 3),
      [1, 2, 3],
    );
    assert.equal(indexed.statistics?.messageCount, 600n);
    assert.equal(indexed.dataSectionCrcValid, true);
    assert.ok((indexed.statistics?.chunkCount ?? 0) > 10, "several chunks");
    assert.deepEqual(
      indexed.metadata.map((m) => [m.name, Object.fromEntries(m.metadata)]),
      [["run", { operator: "ci", site: "lab" }]],
    );
    assert.deepEqual(
      indexed.attachments.map((x) => [x.name, x.mediaType, [...x.data], x.logTime, x.createTime]),
      [["calib.json", "application/json", [1, 2, 3], 5n, 5n]],
    );

    const streamed = await readStream(path);
    assert.equal(streamed.complete, true);
    assert.deepEqual(streamed.chunkCompressions, [compression ?? ""]);
    assert.deepEqual(
      streamed.messages.map((m) => ({ topic: m.topic, logTime: m.logTime, data: m.data })),
      expected,
    );
  });
}

for (const compression of ["zstd", null] as McapCompression[]) {
  test(`compression ${String(compression)}: metadata sits between the chunks logged before and after it`, async () => {
    const path = join(dir, `order-${String(compression)}.mcap`);
    const context = new Context();
    const channel = new RawChannel("/o", { context, messageEncoding: "json" });
    const writer = await openMcap(path, { context, compression, chunkSize: 1024 });
    const log = (from: number) => {
      for (let i = from; i < from + 40; i++) {
        channel.log(payload(i), { logTime: BigInt(i) }); // fills several chunks at once
      }
    };
    log(0);
    const first = writer.writeMetadata("first", { at: "40" }); // not awaited: queued in between
    log(40);
    const second = writer.writeMetadata("second", { at: "80" });
    log(80);
    await Promise.all([first, second]);
    await writer.close();

    const reader = new McapStreamReader({ decompressHandlers: await loadDecompressHandlers() });
    reader.append(await readFile(path));
    const order: string[] = [];
    for (let record; (record = reader.nextRecord());) {
      if (record.type === "Message") {
        order.push(`${record.logTime}`);
      } else if (record.type === "Metadata") {
        order.push(record.name);
      }
    }
    const times = (from: number) => Array.from({ length: 40 }, (_, i) => `${from + i}`);
    assert.deepEqual(order, [...times(0), "first", ...times(40), "second", ...times(80)]);
  });
}

test("uncompressed large messages are written from the caller's buffer during log, byte-valid", async () => {
  const path = join(dir, "uncopied.mcap");
  const context = new Context();
  const big = new RawChannel("/big", { context, messageEncoding: "raw", schema });
  const small = new RawChannel("/small", { context, messageEncoding: "raw" });
  const writer = await openMcap(path, {
    context,
    compression: null,
    chunkSize: 2 * UNCOPIED_MIN_BYTES,
  });
  const reused = new Uint8Array(UNCOPIED_MIN_BYTES + 64 * 1024); // the caller refills one buffer for every message
  const expected: { topic: string; logTime: bigint; data: Uint8Array }[] = [];
  const log = (i: number) => {
    const channel = i % 4 === 3 ? small : big;
    const data = reused.subarray(
      0,
      channel === small ? 100 + i : UNCOPIED_MIN_BYTES + ((i * 7919) % 60000),
    );
    data.fill(i & 0xff);
    new DataView(data.buffer, data.byteOffset).setUint32(0, i, true);
    channel.log(data, { logTime: BigInt(i) });
    expected.push({ topic: channel.topic, logTime: BigInt(i), data: data.slice() });
  };
  log(0);
  log(1);
  const before = writer.bytesWritten;
  log(2); // large, nothing queued: written before log returns
  assert.ok(writer.bytesWritten >= before + BigInt(UNCOPIED_MIN_BYTES), "written during log");
  for (let i = 3; i < 12; i++) {
    log(i);
  }
  // A file read now, with a chunk written up to its last message and its head still to write,
  // ends in one incomplete record.
  const partial = await readStream(path);
  assert.equal(partial.complete, false);
  assert.deepEqual(
    partial.messages.map((m) => m.logTime),
    expected.slice(0, partial.messages.length).map((m) => m.logTime),
  );
  const metadata = writer.writeMetadata("between", { at: "12" }); // finishes the open chunk
  for (let i = 12; i < 24; i++) {
    log(i);
  }
  await metadata;
  await writer.flush();
  for (let i = 24; i < 30; i++) {
    log(i);
  }
  await writer.close();
  assert.equal(writer.dropped, 0);

  const indexed = await readIndexed(path);
  assert.deepEqual(
    indexed.messages.map((m) => ({ topic: m.topic, logTime: m.logTime, data: m.data })),
    expected,
  );
  assert.equal(indexed.dataSectionCrcValid, true);
  assert.ok((indexed.statistics?.chunkCount ?? 0) > 8, "several chunks");
  const streamed = await readStream(path);
  assert.equal(streamed.complete, true);
  assert.deepEqual(
    streamed.messages.map((m) => ({ topic: m.topic, logTime: m.logTime, data: m.data })),
    expected,
  );
});

test("refuses to replace an existing file unless allowOverwrite", async () => {
  const path = join(dir, "exists.mcap");
  await writeFile(path, "keep me");
  await assert.rejects(
    openMcap(path, { context: new Context() }),
    (e: unknown) =>
      e instanceof FoxgloveError && e.code === "ERR_IO" && /already exists/.test(e.message),
  );
  assert.equal((await stat(path)).size, 7);
  const writer = await openMcap(path, { context: new Context(), allowOverwrite: true });
  await writer.close();
  assert.equal((await readIndexed(path)).messages.length, 0);
});

test("records only the channels the filter admits; copies data at log time", async () => {
  const path = join(dir, "filter.mcap");
  const context = new Context();
  const keep = new RawChannel("/keep", { context, messageEncoding: "json" });
  const skip = new RawChannel("/skip", { context, messageEncoding: "json" });
  const writer = await openMcap(path, {
    context,
    compression: null,
    channelFilter: (ch) => ch.topic !== "/skip",
  });
  const reused = new Uint8Array([1, 2, 3]);
  keep.log(reused, { logTime: 1n });
  reused.fill(9); // the caller reuses its buffer at once
  keep.log(reused, { logTime: 2n });
  skip.log(new Uint8Array([7]), { logTime: 3n });
  await writer.close();
  const { messages, channels } = await readIndexed(path);
  assert.deepEqual(
    channels.map((c) => c.topic),
    ["/keep"],
  );
  assert.deepEqual(
    messages.map((m) => [...m.data]),
    [
      [1, 2, 3],
      [9, 9, 9],
    ],
  );
});

test("log never waits for a stalled output: the bounded queue drops and counts, close finishes", async () => {
  const path = join(dir, "stalled.mcap");
  const context = new Context();
  const channel = new RawChannel("/big", { context, messageEncoding: "json" });
  const file = await FileWritable.create(path, false);
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let stalled = false;
  let stalledWrites = 0;
  const out: McapWritable = {
    position: () => file.position(),
    write: async (data) => {
      if (stalled) {
        stalledWrites += 1;
        await gate;
      }
      await file.write(data);
    },
  };
  const writer = await openMcap(out, {
    context,
    compression: null,
    chunkSize: 1024,
    queueBytes: 10_000,
  });
  stalled = true;
  for (let i = 0; i < 100; i++) {
    channel.log(new Uint8Array(1000).fill(i), { logTime: BigInt(i) });
  }
  assert.equal(writer.messageCount, 10);
  assert.equal(writer.dropped, 90);
  await waitFor(() => stalledWrites > 0); // the writer is now blocked on the output
  channel.log(new Uint8Array(1000).fill(200), { logTime: 200n }); // still full: dropped at once
  assert.equal(writer.dropped, 91);
  assert.equal(logger.matching("warn", "write queue is full").length, 1, "one throttled warning");
  const closing = writer.close();
  release();
  await closing;
  await file.close();
  channel.log(new Uint8Array([1])); // after close: not delivered (sink removed)
  assert.equal(writer.messageCount, 10);
  await assert.rejects(
    writer.writeMetadata("late", { a: "b" }),
    (e: unknown) => e instanceof FoxgloveError && e.code === "ERR_SINK_CLOSED",
  );
  await writer.close(); // idempotent
  const { messages } = await readIndexed(path);
  assert.deepEqual(
    messages.map((m) => m.data[0]),
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  );
});

async function waitFor(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!condition()) {
    assert.ok(Date.now() < deadline, "condition not met within 5 s");
    await new Promise((r) => setImmediate(r));
  }
}

test("a failing output fails the writer once: later logs are dropped and close rejects", async () => {
  const context = new Context();
  const channel = new RawChannel("/x", { context, messageEncoding: "json" });
  let position = 0n;
  let failing = false;
  const out: McapWritable = {
    position: () => position,
    write: (data) => {
      if (failing) {
        return Promise.reject(new Error("disk full"));
      }
      position += BigInt(data.byteLength);
      return Promise.resolve();
    },
  };
  const writer = await openMcap(out, { context, compression: null, chunkSize: 10 });
  failing = true;
  channel.log(new Uint8Array(100), { logTime: 1n }); // fills a chunk: its write fails
  await assert.rejects(writer.flush(), /disk full/);
  channel.log(new Uint8Array(100), { logTime: 2n });
  assert.equal(writer.dropped, 1);
  assert.equal(logger.matching("warn", "MCAP writer failed").length, 1);
  await assert.rejects(writer.close(), /disk full/);
});
