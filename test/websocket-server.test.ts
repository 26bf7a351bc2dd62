// The local WebSocket server against an independent client (@foxglove/ws-protocol's
// FoxgloveClient) under each subprotocol, plus raw `ws` clients for what that client lacks
// (playback control, malformed input, a client that stops reading).
import assert from "node:assert/strict";
import type { IncomingMessage } from "node:http";
import type { Socket } from "node:net";
import { execFile } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, test } from "node:test";
import wsProtocol from "@foxglove/ws-protocol";
import WebSocket from "ws";
import { Context } from "../src/core/Context.js";
import { RawChannel } from "../src/core/RawChannel.js";
import {
  decodeServerMessageV1,
  encodeClientMessageV1,
  type ServerMessageV1,
} from "../src/protocol/index.js";
import {
  BACKLOG_FULL_MESSAGE,
  startServer,
  type WebSocketServer,
  type WebSocketServerOptions,
} from "../src/websocket/index.js";
import { EventLog, within } from "./helpers/EventLog.js";

const run = promisify(execFile);
// CommonJS package: its named exports are only visible through the default import.
const { FoxgloveClient } = wsProtocol;

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface Fixture {
  server: WebSocketServer;
  context: Context;
  reliable: RawChannel;
  lossy: RawChannel;
  published: EventLog<{ topic: string; data: Uint8Array }>;
  subscribed: EventLog<string>;
}

async function serve(options: WebSocketServerOptions = {}): Promise<Fixture> {
  const context = new Context();
  const reliable = new RawChannel("/reliable", { context, messageEncoding: "json" });
  const lossy = new RawChannel("/lossy", {
    context,
    messageEncoding: "protobuf",
    schema: { name: "test.Blob", encoding: "protobuf", data: new Uint8Array([10, 0]) },
  });
  const published: Fixture["published"] = new EventLog();
  const subscribed = new EventLog<string>();
  const server = await startServer({
    context,
    port: 0,
    capabilities: ["clientPublish"],
    supportedEncodings: ["json"],
    qosClassifier: (ch) => ({ reliability: ch.topic === "/reliable" ? "reliable" : "lossy" }),
    listener: {
      onMessageData: (_client, channel, payload) =>
        published.push({ topic: channel.topic, data: payload.slice() }),
      onSubscribe: (_client, channel) => subscribed.push(channel.topic),
    },
    ...options,
  });
  cleanups.push(() => server.stop());
  return { server, context, reliable, lossy, published, subscribed };
}

/** A FoxgloveClient over a `ws` socket offering `protocols`, with its events logged. */
async function foxgloveClient(url: string, protocols: string[]) {
  const ws = new WebSocket(url, protocols);
  const client = new FoxgloveClient({ ws: ws });
  const events = new EventLog<{ type: string; value: unknown }>();
  for (const type of ["serverInfo", "advertise", "message", "status", "time"] as const) {
    client.on(type, (value: unknown) => events.push({ type, value }));
  }
  cleanups.push(() => client.close());
  await within(once(ws, "open"), 10_000, "open");
  return { ws, client, events };
}

/** A raw v1 client: sends with our codec, decodes what it receives. */
async function rawClient(url: string, protocols = ["foxglove.sdk.v1"]) {
  const ws = new WebSocket(url, protocols);
  const received = new EventLog<ServerMessageV1>();
  ws.on("message", (data: Buffer, isBinary: boolean) =>
    received.push(decodeServerMessageV1(isBinary ? new Uint8Array(data) : data.toString())),
  );
  cleanups.push(() => ws.terminate());
  await within(once(ws, "open"), 10_000, "open");
  return { ws, received };
}

for (const subprotocol of ["foxglove.sdk.v1.1", "foxglove.sdk.v1", "foxglove.websocket.v1"]) {
  test(`${subprotocol}: subscribe and receive byte-exact, client publish, time`, async () => {
    const f = await serve({ time: true });
    const { ws, client, events } = await foxgloveClient(f.server.url, [subprotocol]);
    assert.equal(ws.protocol, subprotocol);
    const info = (await events.waitFor((e) => e.type === "serverInfo")).value as {
      capabilities: string[];
    };
    assert.deepEqual([...info.capabilities].sort(), ["clientPublish", "time"]);
    const advertised = (await events.waitFor((e) => e.type === "advertise")).value as {
      id: number;
      topic: string;
      schemaName?: string;
      schemaId?: number;
    }[];
    const byTopic = new Map(advertised.map((c) => [c.topic, c]));
    if (subprotocol === "foxglove.sdk.v1.1") {
      // FoxgloveClient 0.8 passes the schema-table channels through as they came
      assert.equal(byTopic.get("/lossy")?.schemaId, 1);
      assert.equal(byTopic.get("/lossy")?.schemaName, undefined);
    } else {
      assert.equal(byTopic.get("/lossy")?.schemaName, "test.Blob");
    }
    const subReliable = client.subscribe(byTopic.get("/reliable")!.id);
    const subLossy = client.subscribe(byTopic.get("/lossy")!.id);
    await f.subscribed.waitFor(() => f.subscribed.items.length === 2, 10_000, "2 subscriptions");
    const sent = [
      { channel: f.reliable, data: new TextEncoder().encode('{"a":1}'), logTime: 11n },
      { channel: f.lossy, data: new Uint8Array([0, 255, 7, 1]), logTime: 12n },
      { channel: f.reliable, data: new TextEncoder().encode('{"a":2}'), logTime: 13n },
    ];
    for (const s of sent) s.channel.log(s.data, { logTime: s.logTime });
    await events.waitFor(
      () => events.items.filter((e) => e.type === "message").length === 3,
      10_000,
      "3 messages",
    );
    const got = events.items
      .filter((e) => e.type === "message")
      .map((e) => e.value as { subscriptionId: number; timestamp: bigint; data: DataView })
      .map((m) => ({
        sub: m.subscriptionId,
        logTime: m.timestamp,
        data: new Uint8Array(m.data.buffer, m.data.byteOffset, m.data.byteLength),
      }));
    assert.deepEqual(
      got.sort((a, b) => Number(a.logTime - b.logTime)),
      sent.map((s) => ({
        sub: s.channel === f.lossy ? subLossy : subReliable,
        logTime: s.logTime,
        data: s.data,
      })),
    );

    const cmd = client.advertise({ topic: "/cmd", encoding: "json", schemaName: "" });
    client.sendMessage(cmd, new TextEncoder().encode('{"go":true}'));
    await f.published.waitFor(() => true, 10_000, "client publish");
    assert.deepEqual(f.published.items, [
      { topic: "/cmd", data: new TextEncoder().encode('{"go":true}') },
    ]);

    f.server.broadcastTime(1_700_000_000_123_456_789n);
    const time = (await events.waitFor((e) => e.type === "time")).value as { timestamp: bigint };
    assert.equal(time.timestamp, 1_700_000_000_123_456_789n);
  });
}

test("foxglove.sdk.v1.1: advertise in the schema-table form, one table per connection", async () => {
  const f = await serve();
  const schemaA = { name: "A", encoding: "jsonschema", data: new TextEncoder().encode("{}") };
  const a1 = new RawChannel("/a1", {
    context: f.context,
    messageEncoding: "json",
    schema: schemaA,
  });
  const first = await rawClient(f.server.url, ["foxglove.sdk.v1.1"]);
  assert.equal(first.ws.protocol, "foxglove.sdk.v1.1");
  const initial = await first.received.waitFor((m) => m.op === "advertise");
  assert.ok(initial.op === "advertise" && "schemas" in initial, "schema-table form");
  assert.deepEqual(initial.schemas, [
    { id: 1, name: "test.Blob", encoding: "protobuf", data: "CgA=" },
    { id: 2, name: "A", encoding: "jsonschema", data: "{}" },
  ]);
  const ids = new Map(initial.channels.map((c) => [c.topic, c.schemaId]));
  assert.deepEqual(Object.fromEntries(ids), { "/reliable": undefined, "/lossy": 1, "/a1": 2 });
  assert.ok(initial.channels.every((c) => !("schema" in c) && !("schemaName" in c)));

  // a later channel with a known schema: no definitions, the same id
  const a2 = new RawChannel("/a2", {
    context: f.context,
    messageEncoding: "json",
    schema: schemaA,
  });
  const later = await first.received.waitFor(
    (m) => m.op === "advertise" && m.channels.some((c) => c.topic === "/a2"),
  );
  assert.ok(later.op === "advertise" && "schemas" in later);
  assert.deepEqual(later.schemas, []);
  assert.equal(later.channels[0]?.schemaId, 2);

  // a second connection has its own table, from id 1; a v1 client still gets inline schemas
  const second = await rawClient(f.server.url, ["foxglove.sdk.v1", "foxglove.sdk.v1.1"]);
  assert.equal(second.ws.protocol, "foxglove.sdk.v1.1");
  const fresh = await second.received.waitFor((m) => m.op === "advertise");
  assert.ok(fresh.op === "advertise" && "schemas" in fresh);
  assert.deepEqual(
    fresh.schemas.map((s) => [s.id, s.name]),
    [
      [1, "test.Blob"],
      [2, "A"],
    ],
  );
  assert.equal(fresh.channels.length, 4);
  const v1 = await rawClient(f.server.url, ["foxglove.sdk.v1"]);
  const inline = await v1.received.waitFor((m) => m.op === "advertise");
  assert.ok(inline.op === "advertise" && !("schemas" in inline));
  assert.equal(inline.channels.find((c) => c.topic === "/a2")?.schemaName, "A");
  a1.close();
  a2.close();
});

test("the newest offered subprotocol is chosen; a client offering none gets HTTP 400", async () => {
  const f = await serve();
  const both = await rawClient(f.server.url, ["foxglove.websocket.v1", "foxglove.sdk.v1"]);
  assert.equal(both.ws.protocol, "foxglove.sdk.v1");
  const all = await rawClient(f.server.url, ["foxglove.sdk.v1", "foxglove.sdk.v1.1"]);
  assert.equal(all.ws.protocol, "foxglove.sdk.v1.1");
  const ws = new WebSocket(f.server.url, ["foxglove.sdk.v10", "foxglove.sdk.v2"]);
  ws.on("error", () => undefined); // the refused handshake
  const [, response] = (await within(once(ws, "unexpected-response"), 10_000, "refusal")) as [
    unknown,
    IncomingMessage,
  ];
  let body = "";
  for await (const chunk of response) body += String(chunk);
  assert.equal(response.statusCode, 400);
  assert.equal(body, "Missing expected sec-websocket-protocol header");
});

test("playback control: a request reaches the handler and its state reaches every client", async () => {
  const requests: unknown[] = [];
  const f = await serve({
    playback: {
      timeRange: { start: 1_000_000_000n, end: 5_000_000_000n },
      onControl: (request) => {
        requests.push(request.command);
        return {
          op: "playbackState",
          status: "playing",
          currentTime: request.seekTime ?? 1_000_000_000n,
          playbackSpeed: request.playbackSpeed,
          didSeek: request.seekTime !== undefined,
        };
      },
    },
  });
  const a = await rawClient(f.server.url);
  const b = await rawClient(f.server.url, ["foxglove.websocket.v1"]);
  const info = await a.received.waitFor((m) => m.op === "serverInfo");
  assert.ok(info.op === "serverInfo");
  assert.deepEqual([...info.capabilities].sort(), ["clientPublish", "playbackControl", "time"]);
  assert.deepEqual(info.dataStartTime, { sec: 1, nsec: 0 });
  assert.deepEqual(info.dataEndTime, { sec: 5, nsec: 0 });
  a.ws.send(
    encodeClientMessageV1({
      op: "playbackControlRequest",
      command: "play",
      playbackSpeed: 2,
      seekTime: 3_000_000_000n,
      requestId: "r-1",
    }),
  );
  for (const c of [a, b]) {
    const state = await c.received.waitFor((m) => m.op === "playbackState");
    assert.deepEqual(state, {
      op: "playbackState",
      status: "playing",
      currentTime: 3_000_000_000n,
      playbackSpeed: 2,
      didSeek: true,
      requestId: "r-1",
    });
  }
  assert.deepEqual(requests, ["play"]);
});

test("without playback, a playback request is refused with the capability status", async () => {
  const f = await serve();
  const c = await rawClient(f.server.url);
  c.ws.send(
    encodeClientMessageV1({
      op: "playbackControlRequest",
      command: "pause",
      playbackSpeed: 1,
      requestId: "x",
    }),
  );
  const status = await c.received.waitFor((m) => m.op === "status");
  assert.deepEqual(status, {
    op: "status",
    level: 2,
    message: "Server does not support playbackControl capability",
  });
});

test("malformed input gets an error status, not a crash; the client keeps working", async () => {
  const f = await serve();
  const c = await rawClient(f.server.url);
  await c.received.waitFor((m) => m.op === "advertise");
  c.ws.send("{not json");
  c.ws.send(new Uint8Array([0x7f, 1, 2]));
  c.ws.send(new Uint8Array(0)); // ignored silently
  c.ws.send(JSON.stringify({ op: "subscribe", subscriptions: [{ id: 1, channelId: 999_999 }] }));
  c.ws.send(
    JSON.stringify({ op: "subscribe", subscriptions: [{ id: 1, channelId: f.reliable.id }] }),
  );
  c.ws.send(JSON.stringify({ op: "subscribe", subscriptions: [{ id: 1, channelId: f.lossy.id }] }));
  await f.subscribed.waitFor((t) => t === "/reliable");
  f.reliable.log(new Uint8Array([1, 2, 3]), { logTime: 5n });
  const data = await c.received.waitFor((m) => m.op === "messageData");
  assert.deepEqual(data, {
    op: "messageData",
    subscriptionId: 1,
    logTime: 5n,
    data: new Uint8Array([1, 2, 3]),
  });
  const statuses = c.received.items.filter((m) => m.op === "status");
  assert.equal(statuses.length, 4);
  assert.match((statuses[0] as { message: string }).message, /^Invalid message: /);
  assert.match((statuses[1] as { message: string }).message, /^Invalid message: /);
  assert.deepEqual(statuses.slice(2), [
    { op: "status", level: 2, message: "Unknown channel ID: 999999" },
    {
      op: "status",
      level: 2,
      message: "Subscription ID was already used: 1; ignoring subscription",
    },
  ]);
  assert.equal(f.server.clientCount, 1);
});

test("a client that stops reading is dropped after its backlog fills; the others get everything", async () => {
  const f = await serve({ messageBacklogSize: 32 });
  const slow = await rawClient(f.server.url);
  const fast = await rawClient(f.server.url);
  for (const c of [slow, fast]) {
    await c.received.waitFor((m) => m.op === "advertise");
    c.ws.send(
      JSON.stringify({ op: "subscribe", subscriptions: [{ id: 7, channelId: f.reliable.id }] }),
    );
  }
  await f.subscribed.waitFor(() => f.subscribed.items.length === 2);
  (slow.ws as unknown as { _socket: Socket })._socket.pause();
  const slowClosed = once(slow.ws, "close");
  const count = 400;
  const payload = new Uint8Array(64 * 1024);
  for (let i = 0; i < count; i++) {
    new DataView(payload.buffer).setUint32(0, i, true);
    f.reliable.log(payload, { logTime: BigInt(i) });
    if (i % 8 === 7) await new Promise((r) => setImmediate(r));
  }
  await fast.received.waitFor(
    () => fast.received.items.filter((m) => m.op === "messageData").length === count,
    30_000,
    `${count} messages at the fast client`,
  );
  const numbers = fast.received.items
    .filter((m) => m.op === "messageData")
    .map((m) =>
      m.op === "messageData"
        ? new DataView(m.data.buffer, m.data.byteOffset).getUint32(0, true)
        : -1,
    );
  assert.deepEqual(
    numbers,
    numbers.map((_, i) => i),
  );
  assert.equal(f.server.clientCount, 1, "the slow client was dropped");
  (slow.ws as unknown as { _socket: Socket })._socket.resume();
  await within(slowClosed, 30_000, "slow client closed");
  const last = slow.received.items.at(-1);
  assert.deepEqual(last, { op: "status", level: 2, message: BACKLOG_FULL_MESSAGE });
});

test("TLS: the server serves wss:// with the given certificate", async () => {
  const dir = await mkdtemp(join(tmpdir(), "ws-tls-"));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  await run("openssl", [
    "req",
    "-x509",
    "-newkey",
    "ec",
    "-pkeyopt",
    "ec_paramgen_curve:prime256v1",
    "-nodes",
    "-keyout",
    join(dir, "key.pem"),
    "-out",
    join(dir, "cert.pem"),
    "-days",
    "1",
    "-subj",
    "/CN=localhost",
    "-addext",
    "subjectAltName=IP:127.0.0.1",
  ]);
  const cert = await readFile(join(dir, "cert.pem"), "utf8");
  const key = await readFile(join(dir, "key.pem"), "utf8");
  const f = await serve({ tls: { cert, key } });
  assert.match(f.server.url, /^wss:\/\/127\.0\.0\.1:\d+$/);
  const ws = new WebSocket(f.server.url, ["foxglove.sdk.v1"], { ca: cert });
  const first = new Promise<ServerMessageV1>((resolve) =>
    ws.once("message", (data: Buffer) => resolve(decodeServerMessageV1(data.toString()))),
  );
  cleanups.push(() => ws.terminate());
  assert.equal((await within(first, 10_000, "serverInfo over TLS")).op, "serverInfo");
});

test("clients with their own subscription ids share a broadcast's frames, in order with text messages", async () => {
  const f = await serve();
  const a = await rawClient(f.server.url);
  const b = await rawClient(f.server.url, ["foxglove.websocket.v1"]);
  const ids = new Map([
    [a, { reliable: 3, lossy: 4 }],
    [b, { reliable: 9, lossy: 3 }],
  ]);
  for (const [c, id] of ids) {
    await c.received.waitFor((m) => m.op === "advertise");
    c.ws.send(
      JSON.stringify({
        op: "subscribe",
        subscriptions: [
          { id: id.reliable, channelId: f.reliable.id },
          { id: id.lossy, channelId: f.lossy.id },
        ],
      }),
    );
  }
  await f.subscribed.waitFor(() => f.subscribed.items.length === 4);
  // Payload sizes across the WebSocket length encodings (7-bit, 16-bit, 64-bit).
  const sizes = [0, 100, 200, 70_000];
  const expected: unknown[] = [];
  for (const [i, size] of sizes.entries()) {
    const data = new Uint8Array(size).fill(i + 1);
    f.reliable.log(data, { logTime: BigInt(i) });
    f.lossy.log(data, { logTime: BigInt(100 + i) });
    f.server.publishStatus({ level: "info", message: `after ${i}` });
    expected.push(
      { channel: "reliable", logTime: BigInt(i), data },
      { channel: "lossy", logTime: BigInt(100 + i), data },
      { status: `after ${i}` },
    );
  }
  for (const [c, id] of ids) {
    await c.received.waitFor((m) => m.op === "status" && m.message === "after 3", 10_000);
    const got = c.received.items.flatMap((m): unknown[] =>
      m.op === "messageData"
        ? [
            {
              channel: m.subscriptionId === id.reliable ? "reliable" : "lossy",
              logTime: m.logTime,
              data: m.data,
            },
          ]
        : m.op === "status" && m.message.startsWith("after")
          ? [{ status: m.message }]
          : [],
    );
    assert.deepEqual(got, expected);
  }
});

test("a slow client loses Lossy messages but stays connected", async () => {
  const f = await serve({ lossyBacklogSize: 4 });
  const slow = await rawClient(f.server.url);
  await slow.received.waitFor((m) => m.op === "advertise");
  slow.ws.send(
    JSON.stringify({
      op: "subscribe",
      subscriptions: [
        { id: 3, channelId: f.lossy.id },
        { id: 4, channelId: f.reliable.id },
      ],
    }),
  );
  await f.subscribed.waitFor(() => f.subscribed.items.length === 2);
  (slow.ws as unknown as { _socket: Socket })._socket.pause();
  const payload = new Uint8Array(64 * 1024);
  for (let i = 0; i < 400; i++) {
    f.lossy.log(payload, { logTime: BigInt(i) });
    if (i % 8 === 7) await new Promise((r) => setImmediate(r));
  }
  assert.equal(f.server.clientCount, 1, "still connected");
  f.reliable.log(new Uint8Array([1]), { logTime: 1000n }); // queued behind what was kept
  (slow.ws as unknown as { _socket: Socket })._socket.resume();
  await slow.received.waitFor((m) => m.op === "messageData" && m.subscriptionId === 4, 30_000);
  const lossy = slow.received.items.filter((m) => m.op === "messageData" && m.subscriptionId === 3);
  assert.ok(lossy.length > 0 && lossy.length < 400, `${lossy.length} of 400 Lossy messages kept`);
});

test("a message over maxMessageSize closes that connection (1009); the server keeps serving", async () => {
  const f = await serve({ maxMessageSize: 1024 });
  const big = await rawClient(f.server.url);
  const closed = once(big.ws, "close") as Promise<[number, Buffer]>;
  big.ws.send("x".repeat(2048));
  const [code] = await within(closed, 10_000, "close");
  assert.equal(code, 1009);
  const next = await rawClient(f.server.url);
  assert.equal((await next.received.waitFor(() => true)).op, "serverInfo");
});

for (const subprotocol of ["foxglove.sdk.v1.1", "foxglove.sdk.v1", "foxglove.websocket.v1"]) {
  test(`${subprotocol}: service call, parameters and connection graph through the hub`, async () => {
    const f = await serve({
      capabilities: ["parameters", "connectionGraph"],
      services: [
        {
          name: "/echo",
          request: {
            encoding: "json",
            schema: { name: "Req", encoding: "jsonschema", data: new TextEncoder().encode("{}") },
          },
          handler: ({ payload }) =>
            new TextEncoder().encode(`echo:${new TextDecoder().decode(payload)}`),
        },
      ],
    });
    const ws = new WebSocket(f.server.url, [subprotocol]);
    const client = new FoxgloveClient({ ws });
    const events = new EventLog<{ type: string; value: unknown }>();
    for (const type of [
      "serverInfo",
      "advertiseServices",
      "serviceCallResponse",
      "parameterValues",
      "connectionGraphUpdate",
    ] as const) {
      client.on(type, (value: unknown) => events.push({ type, value }));
    }
    cleanups.push(() => client.close());
    const info = (await events.waitFor((e) => e.type === "serverInfo")).value as {
      capabilities: string[];
    };
    assert.deepEqual([...info.capabilities].sort(), [
      "connectionGraph",
      "parameters",
      "parametersSubscribe",
      "services",
    ]);
    const [service] = (await events.waitFor((e) => e.type === "advertiseServices")).value as {
      id: number;
      name: string;
    }[];
    assert.equal(service?.name, "/echo");

    client.sendServiceCallRequest({
      serviceId: service.id,
      callId: 7,
      encoding: "json",
      data: new DataView(new TextEncoder().encode('"hi"').buffer),
    });
    const response = (await events.waitFor((e) => e.type === "serviceCallResponse")).value as {
      callId: number;
      data: DataView;
    };
    assert.equal(response.callId, 7);
    assert.equal(
      new TextDecoder().decode(
        new Uint8Array(response.data.buffer, response.data.byteOffset, response.data.byteLength),
      ),
      'echo:"hi"',
    );

    client.setParameters([{ name: "/gain", value: 2.5 }], "set-1");
    const set = (await events.waitFor((e) => e.type === "parameterValues")).value as {
      id?: string;
      parameters: { name: string; value: unknown }[];
    };
    assert.equal(set.id, "set-1");
    client.getParameters(["/gain"], "get-1");
    const got = (
      await events.waitFor(
        (e) => e.type === "parameterValues" && (e.value as { id?: string }).id === "get-1",
      )
    ).value as { parameters: { name: string; value: unknown }[] };
    assert.deepEqual(got.parameters, [{ name: "/gain", type: "float64", value: 2.5 }]);

    client.subscribeConnectionGraph();
    f.server.hub.publishConnectionGraph({ publishedTopics: { "/reliable": ["robot"] } });
    const graph = (
      await events.waitFor(
        (e) =>
          e.type === "connectionGraphUpdate" &&
          (e.value as { publishedTopics: unknown[] }).publishedTopics.length > 0,
      )
    ).value as { publishedTopics: { name: string; publisherIds: string[] }[] };
    assert.deepEqual(graph.publishedTopics, [{ name: "/reliable", publisherIds: ["robot"] }]);
  });
}
