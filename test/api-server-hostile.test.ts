// Misbehaving HTTP clients against the real API server: half-open sockets, oversized heads,
// junk requests that would fill the request record, and tokens sent in odd places.
import assert from "node:assert/strict";
import { Agent, request } from "node:http";
import { connect, type Socket } from "node:net";
import { after, before, describe, test } from "node:test";
import {
  DEVICE_INFO_PATH,
  startApiServer,
  TEST_DEVICE,
  type ApiServer,
} from "../src/api-server/index.js";

const HEADERS_TIMEOUT_MS = 1000;

/** Opens a raw socket, writes `text`, and resolves with what the server answered and when it closed. */
function rawClient(port: number, text: string) {
  const socket: Socket = connect(port, "127.0.0.1");
  socket.setNoDelay(true);
  const chunks: Buffer[] = [];
  socket.on("data", (c: Buffer) => chunks.push(c));
  socket.on("error", () => {});
  // Never end our side: a client that keeps its socket half-open.
  socket.on("connect", () => socket.write(text));
  const started = performance.now();
  const closed = new Promise<{ answer: string; afterMs: number }>((resolve) =>
    socket.on("close", () =>
      resolve({
        answer: Buffer.concat(chunks).toString("latin1"),
        afterMs: performance.now() - started,
      }),
    ),
  );
  return { socket, closed };
}

describe("API server against misbehaving clients", () => {
  let server: ApiServer;
  before(async () => {
    server = await startApiServer({
      devices: [TEST_DEVICE],
      headersTimeoutMs: HEADERS_TIMEOUT_MS,
    });
  });
  after(() => server.stop());

  test("200 half-open slowloris sockets are closed within the header timeout", async () => {
    const clients = Array.from({ length: 200 }, () =>
      rawClient(server.port, "GET /api/v1/device-info HTTP/1.1\r\nHost: x\r\nX-Slow: "),
    );
    try {
      const results = await Promise.all(clients.map((c) => c.closed));
      // Node checks the header deadline every min(1000, timeout / 4) ms; allow for a busy machine.
      const bound = HEADERS_TIMEOUT_MS + HEADERS_TIMEOUT_MS / 4 + 1500;
      const slowest = Math.max(...results.map((r) => r.afterMs));
      assert.ok(slowest < bound, `slowest socket closed after ${slowest.toFixed(0)} ms`);
      assert.ok(
        results.every((r) => r.answer === "" || r.answer.startsWith("HTTP/1.1 408")),
        results.find((r) => !r.answer.startsWith("HTTP/1.1 408"))?.answer,
      );
    } finally {
      for (const c of clients) c.socket.destroy();
    }
  });

  test("an oversized head gets 431 and the socket is freed without the client closing", async () => {
    const big = `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(20_000)}\r\n\r\n`;
    const { closed } = rawClient(server.port, big);
    const { answer, afterMs } = await closed;
    assert.match(answer, /^HTTP\/1\.1 431 /);
    assert.ok(afterMs < 2000, `closed after ${afterMs} ms`);
  });

  test("a malformed request gets 400 and the socket is freed without the client closing", async () => {
    const { closed } = rawClient(server.port, "NOT HTTP AT ALL\r\n\r\n");
    const { answer, afterMs } = await closed;
    assert.match(answer, /^HTTP\/1\.1 400 /);
    assert.ok(afterMs < 2000, `closed after ${afterMs} ms`);
  });
});

describe("API server request record under junk", () => {
  const BUDGET = 1024 * 1024;
  let server: ApiServer;
  before(async () => {
    server = await startApiServer({ devices: [TEST_DEVICE], maxRecordBytes: BUDGET });
  });
  after(() => server.stop());

  test("10,000 junk requests with 15 KB queries and tokens in odd places stay within the byte budget", async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 16 });
    const junk = "j".repeat(15_000);
    const get = (path: string, headers: Record<string, string> = {}) =>
      new Promise<number>((resolve, reject) => {
        const req = request(
          { host: "127.0.0.1", port: server.port, path, agent, headers },
          (res) => {
            res.resume();
            res.on("end", () => resolve(res.statusCode ?? 0));
          },
        );
        req.on("error", reject);
        req.end();
      });
    let next = 0;
    const statuses = new Map<number, number>();
    const worker = async () => {
      while (next < 10_000) {
        const i = next++;
        const path =
          i % 3 === 0
            ? `/nope/${TEST_DEVICE.token}?q=${junk}`
            : i % 3 === 1
              ? `${DEVICE_INFO_PATH}?jwt=${TEST_DEVICE.token}&q=${junk}`
              : `/x?q=${junk}`;
        const status = await get(path, {
          "User-Agent": `junk ${TEST_DEVICE.token} ${junk.slice(0, 500)}`,
        });
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
      }
    };
    await Promise.all(Array.from({ length: 16 }, worker));
    agent.destroy();
    assert.deepEqual([...statuses.keys()].sort(), [401, 404]);
    console.log(
      `request record: ${server.requests.length} records, ${server.requestRecordBytes} bytes ` +
        `(budget ${BUDGET})`,
    );
    assert.ok(server.requestRecordBytes <= BUDGET, String(server.requestRecordBytes));
    const records = server.requests;
    assert.ok(records.length > 1000, `kept ${records.length} short records`);
    const text = JSON.stringify(records, (_k, v: unknown) =>
      typeof v === "bigint" ? String(v) : v,
    );
    assert.ok(!text.includes(TEST_DEVICE.token), "a token was recorded");
    assert.ok(!text.includes(junk.slice(0, 300)), "junk was recorded in full");
    assert.ok(records.every((r) => !r.authenticated && r.userAgent === undefined));

    // An authenticated request is still recorded in full, its token-shaped values redacted.
    const res = await fetch(`${server.url}${DEVICE_INFO_PATH}?x=1&token=abc`, {
      headers: {
        Authorization: `DeviceToken ${TEST_DEVICE.token}`,
        "User-Agent": `agent ${TEST_DEVICE.token}`,
      },
    });
    assert.equal(res.status, 200);
    await res.arrayBuffer();
    const last = server.requests.at(-1)!;
    assert.equal(last.authenticated, true);
    assert.deepEqual(last.query, { x: "1", token: "<redacted>" });
    assert.equal(last.userAgent, "agent <redacted>");
    assert.equal(last.deviceId, TEST_DEVICE.id);
  });
});
