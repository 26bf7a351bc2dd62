// `foxglove-remote play` as a child process: a recording replays to an independent WebSocket
// client (FoxgloveClient) byte-exact, started by the client's playback control request.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import wsProtocol from "@foxglove/ws-protocol";
import WebSocket from "ws";
import { Context } from "../src/core/Context.js";
import { RawChannel } from "../src/core/RawChannel.js";
import { openMcap } from "../src/mcap/index.js";
import { readIndexed, type ReadMessage } from "../src/mcap/testing/readMcap.js";
import { encodeClientMessageV1 } from "../src/protocol/index.js";
import { EventLog, within } from "./helpers/EventLog.js";

const { FoxgloveClient } = wsProtocol;
const main = new URL("../src/cli/main.ts", import.meta.url).pathname;
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
  const child = spawn(
    process.execPath,
    ["--import", "tsx", main, "play", path, "--port", "0", "--paused", "--speed", "4"],
    { env: { ...process.env, FOXGLOVE_LOG_LEVEL: "error" } },
  );
  let stdout = "";
  child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
  try {
    const url = await within(
      new Promise<string>((resolve) =>
        child.stdout.on("data", () => {
          const m = /on (ws:\/\/\S+)/.exec(stdout);
          if (m !== null) resolve(m[1]!);
        }),
      ),
      30_000,
      "serving line",
    );
    const ws = new WebSocket(url, ["foxglove.sdk.v1"]);
    const client = new FoxgloveClient({ ws });
    const events = new EventLog<{ type: string; value: unknown }>();
    for (const type of ["advertise", "message", "time", "error"] as const) {
      client.on(type, (value: unknown) => events.push({ type, value }));
    }
    const channels = (await events.waitFor((e) => e.type === "advertise")).value as {
      id: number;
      topic: string;
      schemaName: string;
    }[];
    const topicOf = new Map<number, string>();
    for (const c of channels) topicOf.set(client.subscribe(c.id), c.topic);
    assert.equal(channels.find((c) => c.topic === "/b")?.schemaName, "test.B");
    // Same socket, after the subscriptions: play from the start.
    ws.send(
      encodeClientMessageV1({
        op: "playbackControlRequest",
        command: "play",
        playbackSpeed: 4,
        seekTime: T0,
        requestId: "go",
      }),
    );
    const isMessage = (e: { type: string }) => e.type === "message";
    await events.waitFor(
      () => events.items.filter(isMessage).length === recorded.length,
      30_000,
      `${recorded.length} messages`,
    );
    const got = events.items.filter(isMessage).map((e) => {
      const m = e.value as { subscriptionId: number; timestamp: bigint; data: DataView };
      return {
        topic: topicOf.get(m.subscriptionId),
        logTime: m.timestamp,
        data: new Uint8Array(m.data.buffer, m.data.byteOffset, m.data.byteLength),
      };
    });
    assert.deepEqual(
      got,
      recorded.map((m) => ({ topic: m.topic, logTime: m.logTime, data: m.data })),
    );
    const times = events.items.filter((e) => e.type === "time");
    assert.ok(times.length >= recorded.length, "a time message before each message");
    client.close();
    child.kill("SIGINT");
    const [code] = (await within(once(child, "exit"), 30_000, "exit")) as [number | null];
    assert.equal(code, 0, stdout);
    assert.match(stdout, /Stopped after 40 messages/);
  } finally {
    if (child.exitCode === null) child.kill("SIGKILL");
  }
});
