import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { inspect } from "node:util";
import { isFoxgloveError } from "../src/core/FoxgloveError.js";
import { VERSION } from "../src/core/version.js";
import { ApiClient } from "../src/gateway/ApiClient.js";
import { ApiError } from "../src/gateway/ApiError.js";
import { startTestHttpServer, type TestHttpServer } from "./helpers/httpServer.js";

const TOKEN = "fox_dt_secretsecret";
const DEVICE = { id: "dev_1", name: "robot", projectId: "prj_1", retainRecordingsSeconds: 3600 };

let server: TestHttpServer;
before(async () => {
  server = await startTestHttpServer();
});
after(async () => {
  await server.close();
});

function client(timeoutMs = 2000, baseUrl = server.url) {
  return new ApiClient({ deviceToken: TOKEN, baseUrl, timeoutMs });
}

async function rejection(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof ApiError, `expected ApiError, got ${inspect(e)}`);
    return e;
  }
  assert.fail("expected a rejection");
}

function assertNoToken(e: unknown) {
  const all = `${String(e)} ${inspect(e, { depth: 10, showHidden: true })} ${JSON.stringify(e)}`;
  assert.ok(!all.includes(TOKEN), "the device token leaked into an error");
  assert.ok(!all.includes("secretsecret"));
}

describe("ApiClient URLs", () => {
  test("joins base and path with exactly one slash, keeping a path prefix", () => {
    for (const base of ["http://h/api", "http://h/api/", "http://h/api//"]) {
      const c = new ApiClient({ deviceToken: "t", baseUrl: base });
      assert.equal(c.urlFor("/internal/x"), "http://h/api/internal/x");
      assert.equal(c.urlFor("internal/x"), "http://h/api/internal/x");
    }
  });

  test("defaults to the public API and a 30 s timeout", () => {
    const c = new ApiClient({ deviceToken: "t" });
    assert.equal(c.urlFor("x"), "https://api.foxglove.dev/x");
    assert.equal(c.timeoutMs, 30_000);
  });
});

describe("ApiClient device-info", () => {
  test("sends the auth and user agent headers and parses the body", async () => {
    server.handler = (_req, res) => res.end(JSON.stringify({ ...DEVICE, extra: true }));
    const info = await client().deviceInfo();
    assert.deepEqual(info, DEVICE);
    const req = server.requests.at(-1)!;
    assert.equal(req.method, "GET");
    assert.equal(req.url, "/internal/platform/v1/device-info");
    assert.equal(req.headers.authorization, `DeviceToken ${TOKEN}`);
    assert.equal(req.headers["user-agent"], `foxglove-sdk-typescript/${VERSION}`);
  });

  test("works below a base path prefix", async () => {
    server.handler = (_req, res) => res.end(JSON.stringify(DEVICE));
    await client(2000, `${server.url}/prefix/`).deviceInfo();
    assert.equal(server.requests.at(-1)!.url, "/prefix/internal/platform/v1/device-info");
  });

  test("retainRecordingsSeconds may be null or missing", async () => {
    server.handler = (_req, res) =>
      res.end(JSON.stringify({ ...DEVICE, retainRecordingsSeconds: null }));
    assert.equal((await client().deviceInfo()).retainRecordingsSeconds, undefined);
    server.handler = (_req, res) => res.end(JSON.stringify({ id: "a", name: "b", projectId: "c" }));
    assert.equal((await client().deviceInfo()).retainRecordingsSeconds, undefined);
  });

  for (const [name, body] of [
    ["not JSON", "<html>"],
    ["a JSON array", "[1]"],
    ["missing name", JSON.stringify({ id: "a", projectId: "c" })],
    ["a numeric id", JSON.stringify({ ...DEVICE, id: 5 })],
    ["a negative retention", JSON.stringify({ ...DEVICE, retainRecordingsSeconds: -1 })],
  ] as const) {
    test(`a 200 with ${name} is a parseResponse error`, async () => {
      server.handler = (_req, res) => res.end(body);
      const e = await rejection(client().deviceInfo());
      assert.equal(e.kind, "parseResponse");
      assert.equal(e.code, "ERR_API");
      assert.equal(e.status, undefined);
    });
  }
});

describe("ApiClient error model", () => {
  test("a JSON error body gives errorResponse with status, message and code", async () => {
    server.handler = (_req, res) => {
      res.statusCode = 401;
      res.setHeader("x-request-id", "r1");
      res.end(JSON.stringify({ error: "bad token", code: "unauthorized" }));
    };
    const e = await rejection(client().deviceInfo());
    assert.equal(e.kind, "errorResponse");
    assert.equal(e.status, 401);
    assert.equal(e.apiCode, "unauthorized");
    assert.equal(e.headers?.["x-request-id"], "r1");
    assert.match(e.message, /HTTP 401: bad token/);
  });

  test("a JSON error without code is still an errorResponse", async () => {
    server.handler = (_req, res) => {
      res.statusCode = 409;
      res.end(JSON.stringify({ error: "leased" }));
    };
    const e = await rejection(client().heartbeat("rwl_1"));
    assert.equal(e.kind, "errorResponse");
    assert.equal(e.status, 409);
    assert.equal(e.apiCode, undefined);
  });

  test("any other error body gives malformedErrorResponse with the text", async () => {
    server.handler = (_req, res) => {
      res.statusCode = 503;
      res.end("<h1>maintenance</h1>");
    };
    const e = await rejection(client().deviceInfo());
    assert.equal(e.kind, "malformedErrorResponse");
    assert.equal(e.status, 503);
    assert.match(e.message, /maintenance/);
  });

  test("a declared Content-Length over 16 KiB is too large and not read", async () => {
    server.handler = (_req, res) => {
      res.statusCode = 500;
      res.setHeader("content-length", "16385");
      res.write("x".repeat(100)); // never completes: reading it would hang
    };
    const e = await rejection(client().deviceInfo());
    assert.equal(e.kind, "responseTooLarge");
    assert.equal(e.status, 500);
  });

  test("a chunked error body over 16 KiB is too large", async () => {
    server.handler = (_req, res) => {
      res.statusCode = 502;
      res.write("y".repeat(10_000));
      res.end("y".repeat(10_000));
    };
    const e = await rejection(client().deviceInfo());
    assert.equal(e.kind, "responseTooLarge");
    assert.equal(e.status, 502);
  });

  test("an error body of exactly 16 KiB is read", async () => {
    server.handler = (_req, res) => {
      res.statusCode = 500;
      res.end("z".repeat(16_384));
    };
    assert.equal((await rejection(client().deviceInfo())).kind, "malformedErrorResponse");
  });

  test("a refused connection is a sendRequest error without status", async () => {
    const s = await startTestHttpServer();
    const url = s.url;
    await s.close();
    const e = await rejection(client(2000, url).deviceInfo());
    assert.equal(e.kind, "sendRequest");
    assert.equal(e.status, undefined);
    // The message names the URL and the underlying errno, not just "fetch failed".
    assert.match(
      e.message,
      /device-info request to http:\/\/127\.0\.0\.1:\d+\/internal\/platform\/v1\/device-info failed: fetch failed: .*ECONNREFUSED/,
    );
  });

  test("no answer within the timeout is ERR_TIMEOUT", async () => {
    server.handler = () => undefined; // never answers
    const started = performance.now();
    const e = await rejection(client(150).heartbeat("rwl_1"));
    assert.equal(e.kind, "timeout");
    assert.equal(e.code, "ERR_TIMEOUT");
    assert.ok(performance.now() - started < 2000);
  });

  test("the timeout covers a body that stalls", async () => {
    server.handler = (_req, res) => {
      res.setHeader("content-type", "application/json");
      res.write('{"id":'); // and then nothing
    };
    const e = await rejection(client(150).deviceInfo());
    assert.equal(e.kind, "timeout");
  });

  test("aborting the caller's signal is ERR_ABORTED, not an API error", async () => {
    server.handler = () => undefined;
    const ctl = new AbortController();
    const p = client().deviceInfo(ctl.signal);
    await server.nextRequest().catch(() => undefined);
    ctl.abort();
    await assert.rejects(p, (e) => isFoxgloveError(e, "ERR_ABORTED") && !(e instanceof ApiError));
    await assert.rejects(client().heartbeat("l", ctl.signal), (e) =>
      isFoxgloveError(e, "ERR_ABORTED"),
    );
  });
});

describe("ApiClient heartbeat", () => {
  test("posts the lease as JSON and ignores the response body", async () => {
    server.handler = (_req, res) => res.end("not json at all");
    await client().heartbeat("rwl_42");
    const req = server.requests.at(-1)!;
    assert.equal(req.method, "POST");
    assert.equal(req.url, "/internal/platform/v1/remote-sessions/watch/heartbeat");
    assert.equal(req.headers["content-type"], "application/json");
    assert.deepEqual(JSON.parse(req.body), { watchLeaseId: "rwl_42" });
    assert.equal(req.headers.authorization, `DeviceToken ${TOKEN}`);
  });

  for (const status of [409, 410, 401, 500]) {
    test(`${status} keeps its status`, async () => {
      server.handler = (_req, res) => {
        res.statusCode = status;
        res.end();
      };
      assert.equal((await rejection(client().heartbeat("l"))).status, status);
    });
  }
});

describe("ApiClient watch", () => {
  test("sends Accept and the query in order, omitting absent values", async () => {
    server.handler = (_req, res) => {
      res.setHeader("content-type", "text/event-stream");
      res.end();
    };
    const ctl = new AbortController();
    await client().openWatch({ protocolVersion: "2.2.0" }, ctl.signal);
    let req = server.requests.at(-1)!;
    assert.equal(req.url, "/internal/platform/v1/remote-sessions/watch?protocolVersion=2.2.0");
    assert.equal(req.headers.accept, "text/event-stream");
    assert.equal(req.headers.authorization, `DeviceToken ${TOKEN}`);
    await client().openWatch(
      { protocolVersion: "2.2.0", remoteAccessSessionId: "ras_1", previousWatchLeaseId: "rwl_9" },
      ctl.signal,
    );
    req = server.requests.at(-1)!;
    assert.equal(
      req.url,
      "/internal/platform/v1/remote-sessions/watch?protocolVersion=2.2.0&remoteAccessSessionId=ras_1&previousWatchLeaseId=rwl_9",
    );
    ctl.abort();
  });

  test("the stream outlives the API timeout", async () => {
    server.handler = (_req, res) => {
      res.setHeader("content-type", "text/event-stream");
      res.flushHeaders();
      setTimeout(() => res.end("data: late\n\n"), 300);
    };
    const ctl = new AbortController();
    const res = await client(100).openWatch({ protocolVersion: "2.2.0" }, ctl.signal);
    assert.equal(await res.text(), "data: late\n\n");
  });

  test("aborting the signal closes an open stream", async () => {
    let closed!: () => void;
    const serverSawClose = new Promise<void>((r) => (closed = r));
    server.handler = (_req, res) => {
      res.setHeader("content-type", "text/event-stream");
      res.write(": open\n");
      res.on("close", () => closed());
    };
    const ctl = new AbortController();
    const res = await client().openWatch({ protocolVersion: "2.2.0" }, ctl.signal);
    const reader = res.body!.getReader();
    await reader.read();
    ctl.abort();
    await serverSawClose;
    await assert.rejects(reader.read());
  });

  test("a 409 is an errorResponse with status 409", async () => {
    server.handler = (_req, res) => {
      res.statusCode = 409;
      res.end(JSON.stringify({ error: "conflict" }));
    };
    const e = await rejection(
      client().openWatch({ protocolVersion: "2.2.0" }, new AbortController().signal),
    );
    assert.equal(e.status, 409);
  });

  test("headers that never come time out after the API timeout", async () => {
    server.handler = () => undefined;
    const e = await rejection(
      client(150).openWatch({ protocolVersion: "2.2.0" }, new AbortController().signal),
    );
    assert.equal(e.kind, "timeout");
  });
});

describe("ApiClient keeps the device token secret", () => {
  test("an error body and headers echoing the token are redacted", async () => {
    server.handler = (req, res) => {
      res.statusCode = 403;
      res.setHeader("x-echo", String(req.headers.authorization));
      res.end(JSON.stringify({ error: `token ${String(req.headers.authorization)} refused` }));
    };
    const e = await rejection(client().deviceInfo());
    assert.equal(e.status, 403);
    assert.match(e.message, /<redacted>/);
    assertNoToken(e);
  });

  test("a malformed body echoing the token is redacted", async () => {
    server.handler = (req, res) => {
      res.statusCode = 500;
      res.end(`oops ${String(req.headers.authorization)}`);
    };
    assertNoToken(await rejection(client().heartbeat("l")));
  });

  test("transport and timeout errors do not carry the token", async () => {
    server.handler = () => undefined;
    assertNoToken(await rejection(client(100).deviceInfo()));
    const s = await startTestHttpServer();
    const url = s.url;
    await s.close();
    assertNoToken(await rejection(client(1000, url).deviceInfo()));
  });

  test("the client object itself does not show the token", () => {
    assert.ok(!inspect(client(), { showHidden: true, depth: 5 }).includes(TOKEN));
  });
});
