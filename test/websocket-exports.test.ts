// The public surface of `foxglove-remote/websocket`: a curated list of runtime exports, and a
// program serving a channel through nothing but the public entry points.
import assert from "node:assert/strict";
import { once } from "node:events";
import { test } from "node:test";
import WebSocket from "ws";
import { Context, RawChannel } from "../src/index.js";
import { decodeServerMessageV1, type ServerMessageV1 } from "../src/protocol/index.js";
import * as websocket from "../src/websocket/index.js";

const EXPECTED = [
  "BACKLOG_FULL_MESSAGE",
  "SUBPROTOCOLS",
  "WebSocketServer",
  "selectSubprotocol",
  "startServer",
];

test("exports exactly the curated runtime surface", () => {
  assert.deepStrictEqual(Object.keys(websocket).sort(), [...EXPECTED].sort());
});

test("a program serves a channel; a client gets serverInfo and its advertisement", async () => {
  const context = new Context();
  new RawChannel("/hello", { context, messageEncoding: "json" });
  await using server = await websocket.startServer({ context, port: 0, name: "exports" });
  const ws = new WebSocket(server.url, ["foxglove.sdk.v1"]);
  const received: ServerMessageV1[] = [];
  const advertised = new Promise<void>((resolve) =>
    ws.on("message", (data: Buffer) => {
      received.push(decodeServerMessageV1(data.toString()));
      if (received.length === 2) resolve();
    }),
  );
  await advertised;
  ws.close();
  await once(ws, "close");
  assert.deepEqual(
    received.map((m) => m.op),
    ["serverInfo", "advertise"],
  );
  const info = received[0]!;
  assert.ok(info.op === "serverInfo" && info.name === "exports");
});
