// `foxglove-remote play` as a child process: a recording replays to an independent WebSocket
// client (FoxgloveClient) byte-exact, started by the client's playback control request.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { Context } from "../src/core/Context.js";
import { RawChannel } from "../src/core/RawChannel.js";
import { openMcap } from "../src/mcap/index.js";
import { readIndexed, type ReadMessage } from "../src/mcap/testing/readMcap.js";
import { playToClient } from "./helpers/playToClient.js";

const T0 = 1_700_000_000_000_000_000n;

let dir: string;
let path: string;
let recorded: ReadMessage[];

before(async () => {
  dir = await mkdtemp(join(tmpdir(), "cli-play-"));
  path = join(dir, "run.mcap");
  const context = new Context();
  const a = new RawChannel("/a", { context, messageEncoding: "json" });
  const b = new RawChannel("/b", {
    context,
    messageEncoding: "protobuf",
    schema: { name: "test.B", encoding: "protobuf", data: new Uint8Array([8, 1]) },
  });
  const writer = await openMcap(path, { context, compression: "lz4" });
  for (let i = 0; i < 40; i++) {
    const logTime = T0 + BigInt(i) * 20_000_000n; // 20 ms apart: 0.8 s recorded
    if (i % 2 === 0) a.log(new TextEncoder().encode(`{"i":${i}}`), { logTime });
    else b.log(new Uint8Array([i, 0, 255]), { logTime });
  }
  await writer.close();
  recorded = (await readIndexed(path)).messages;
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

test("play replays every message byte-exact, after the client's play request", async () => {
  const played = await playToClient(path, recorded.length, 4);
  assert.equal(played.channels.find((c) => c.topic === "/b")?.schemaName, "test.B");
  assert.deepEqual(
    played.messages,
    recorded.map((m) => ({ topic: m.topic, logTime: m.logTime, data: m.data })),
  );
  assert.ok(played.times >= recorded.length, "a time message before each message");
  assert.equal(played.exitCode, 0, played.stdout);
  assert.match(played.stdout, /Stopped after 40 messages/);
});
