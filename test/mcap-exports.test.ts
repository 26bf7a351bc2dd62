// The public surface of `foxglove-remote/mcap`: a curated list of runtime exports, and a
// recording made and read back through nothing but that entry point and @mcap/core.
import assert from "node:assert/strict";
import { test } from "node:test";
import { McapIndexedReader, TempBuffer } from "@mcap/core";
import { Context, RawChannel } from "../src/index.js";
import * as mcap from "../src/mcap/index.js";

const EXPECTED = [
  "DEFAULT_MCAP_CHUNK_SIZE",
  "DEFAULT_MCAP_QUEUE_BYTES",
  "FileReadable",
  "FileWritable",
  "McapPlayer",
  "McapWriter",
  "loadDecompressHandlers",
  "openMcap",
];

test("exports exactly the curated runtime surface", () => {
  assert.deepStrictEqual(Object.keys(mcap).sort(), [...EXPECTED].sort());
});

test("a program records into an in-memory writable and @mcap/core reads it back", async () => {
  const context = new Context();
  const channel = new RawChannel("/hello", { context, messageEncoding: "json" });
  const buffer = new TempBuffer();
  const writer = await mcap.openMcap(buffer, { context, compression: "lz4" });
  channel.log(new TextEncoder().encode('{"hi":1}'), { logTime: 42n });
  await writer.close();
  const reader = await McapIndexedReader.Initialize({
    readable: buffer,
    decompressHandlers: await mcap.loadDecompressHandlers(),
  });
  const messages = [];
  for await (const m of reader.readMessages()) {
    messages.push([m.logTime, new TextDecoder().decode(m.data)]);
  }
  assert.deepEqual(messages, [[42n, '{"hi":1}']]);
});
