import assert from "node:assert/strict";
import { test } from "node:test";
import { crc32 } from "node:zlib";
import { McapChunkBuilder, McapRecordBuilder, type McapTypes } from "@mcap/core";
import { CHUNK_HEAD_BYTES, ChunkBuilder } from "./ChunkBuilder.js";

const schema: McapTypes.Schema = {
  id: 1,
  name: "test.Blob",
  encoding: "jsonschema",
  data: new TextEncoder().encode("{}"),
};
const channels: McapTypes.Channel[] = [0, 1, 2].map((id) => ({
  id,
  topic: `/t${id}`,
  messageEncoding: "raw",
  schemaId: id === 2 ? 0 : 1,
  metadata: new Map(id === 0 ? [["k", "v"]] : []),
}));

/** Messages on channels 2, 0, 1, ... with sizes 0..2999 bytes and log times out of order. */
function messages(count: number, from = 0): McapTypes.Message[] {
  return Array.from({ length: count }, (_, n) => {
    const i = from + n;
    const data = new Uint8Array((i * 131) % 3000);
    data.fill(i & 0xff);
    const logTime = 1_000_000_000n + BigInt((i * 7919) % 1000);
    return { channelId: (i + 2) % 3, sequence: i, logTime, publishTime: logTime + 1n, data };
  });
}

/** A plain Uint8Array copy (the builder hands out Buffers). */
function plain(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes);
}

/** The same records through @mcap/core's chunk builder (the independent encoder). */
function reference(ms: McapTypes.Message[], withDefinitions: boolean) {
  const builder = new McapChunkBuilder({ useMessageIndex: true });
  if (withDefinitions) {
    builder.addSchema(schema);
    channels.forEach((c) => builder.addChannel(c));
  }
  ms.forEach((m) => builder.addMessage(m));
  const indexes = new McapRecordBuilder();
  const byChannel = new Map<number, Uint8Array>();
  for (const index of builder.indices) {
    if (index.records.length > 0) {
      indexes.writeMessageIndex(index);
      byChannel.set(index.channelId, indexes.buffer);
      indexes.reset();
    }
  }
  return {
    records: builder.buffer,
    start: builder.messageStartTime,
    end: builder.messageEndTime,
    byChannel,
  };
}

test("records and message indexes are byte for byte those of @mcap/core's chunk builder", () => {
  // chunkSize 1 KiB: messages up to 3 KiB make the buffer grow, several times per chunk.
  const builder = new ChunkBuilder(1024, true);
  const first = messages(50);
  builder.addSchema(schema);
  channels.forEach((c) => builder.addChannel(c));
  first.forEach((m) =>
    builder.addMessage(m.channelId, m.sequence, m.logTime, m.publishTime, m.data),
  );
  assert.equal(builder.messageCount, 50);
  const chunk = builder.take();
  const expected = reference(first, true);
  assert.equal(builder.byteLength, 0, "take starts an empty chunk");
  assert.deepEqual(plain(chunk.records), expected.records);
  assert.equal(chunk.buffer.byteLength, CHUNK_HEAD_BYTES + expected.records.byteLength);
  assert.equal(chunk.recordsCrc, crc32(expected.records), "CRC kept up to date while appending");
  assert.equal(chunk.messageStartTime, expected.start);
  assert.equal(chunk.messageEndTime, expected.end);
  assert.deepEqual(
    chunk.messageIndexes.map((i) => i.channelId),
    [2, 0, 1],
    "in order of each channel's first message",
  );
  for (const { channelId, record } of chunk.messageIndexes) {
    assert.deepEqual(
      plain(record),
      expected.byChannel.get(channelId),
      `index of channel ${channelId}`,
    );
  }

  // The next chunk starts from offset 0 with fresh indexes; the first is left intact.
  const second = messages(20, 50);
  second.forEach((m) =>
    builder.addMessage(m.channelId, m.sequence, m.logTime, m.publishTime, m.data),
  );
  const next = builder.take();
  const expectedNext = reference(second, false);
  assert.deepEqual(plain(next.records), expectedNext.records);
  assert.equal(next.recordsCrc, crc32(expectedNext.records));
  for (const { channelId, record } of next.messageIndexes) {
    assert.deepEqual(plain(record), expectedNext.byChannel.get(channelId));
  }
  assert.deepEqual(plain(chunk.records), expected.records, "a handed-over chunk is not reused");
});

test("without message indexes a chunk has none", () => {
  const builder = new ChunkBuilder(1 << 20, false);
  messages(10).forEach((m) =>
    builder.addMessage(m.channelId, m.sequence, m.logTime, m.publishTime, m.data),
  );
  const chunk = builder.take();
  assert.deepEqual(chunk.messageIndexes, []);
  assert.deepEqual(plain(chunk.records), reference(messages(10), false).records);
});

test("a recycled chunk's memory holds the next chunk, encoded afresh", () => {
  const builder = new ChunkBuilder(64 * 1024, true);
  const add = (m: McapTypes.Message) =>
    builder.addMessage(m.channelId, m.sequence, m.logTime, m.publishTime, m.data);
  messages(30).forEach(add);
  const first = builder.take(); // the next chunk's buffer is taken with its first record
  builder.recycle(first);
  messages(5, 30).forEach(add);
  const second = builder.take(); // in the first chunk's memory, recycled before it began
  messages(5, 35).forEach(add);
  const third = builder.take(); // the second was not recycled: other memory
  assert.equal(second.buffer.buffer, first.buffer.buffer, "memory reused");
  const expected = reference(messages(5, 30), false);
  assert.deepEqual(plain(second.records), expected.records);
  assert.equal(second.recordsCrc, crc32(expected.records));
  assert.notEqual(third.buffer.buffer, first.buffer.buffer);
  assert.deepEqual(plain(third.records), reference(messages(5, 35), false).records);
});

test("messages added uncopied hand out the same bytes, the head left to fill, then the rest", () => {
  const builder = new ChunkBuilder(1 << 20, true);
  const all = messages(40);
  builder.addSchema(schema);
  channels.forEach((c) => builder.addChannel(c));
  const written: Uint8Array[] = [];
  for (const [i, m] of all.entries()) {
    if (i % 3 === 1) {
      const data = plain(m.data);
      const parts = builder.addMessageUncopied(
        m.channelId,
        m.sequence,
        m.logTime,
        m.publishTime,
        data,
      );
      assert.equal(parts[1], data, "the data itself, not a copy");
      written.push(...parts.map(plain)); // written at once
      data.fill(0xee); // the caller's buffer may change once they were
    } else {
      builder.addMessage(m.channelId, m.sequence, m.logTime, m.publishTime, m.data);
    }
  }
  const spilledBytes = written.reduce((sum, part) => sum + part.byteLength, 0);
  const expected = reference(all, true);
  assert.equal(builder.byteLength, expected.records.byteLength);
  assert.equal(builder.unwrittenBytes + spilledBytes, CHUNK_HEAD_BYTES + builder.byteLength);
  const chunk = builder.take();
  assert.equal(chunk.spilled, spilledBytes);
  assert.equal(chunk.recordsLength, expected.records.byteLength);
  const file = Buffer.concat([...written, chunk.buffer]);
  const head = new DataView(file.buffer, file.byteOffset, CHUNK_HEAD_BYTES);
  assert.equal(head.getUint8(0), 0x06, "a Chunk record ...");
  assert.equal(head.getBigUint64(1, true), BigInt(Number.MAX_SAFE_INTEGER), "... to wait for");
  assert.deepEqual(plain(file.subarray(CHUNK_HEAD_BYTES)), expected.records);
  assert.equal(chunk.recordsCrc, crc32(expected.records));
  for (const { channelId, record } of chunk.messageIndexes) {
    assert.deepEqual(plain(record), expected.byChannel.get(channelId), `index of ${channelId}`);
  }
});
