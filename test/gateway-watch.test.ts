import assert from "node:assert/strict";
import type { ServerResponse } from "node:http";
import { after, before, describe, test } from "node:test";
import { ApiClient } from "../src/gateway/ApiClient.js";
import { systemClock } from "../src/gateway/Clock.js";
import { DEFAULT_GATEWAY_TIMINGS } from "../src/gateway/timings.js";
import { Watch } from "../src/gateway/Watch.js";
import { WatchError } from "../src/gateway/WatchError.js";
import {
  startTestHttpServer,
  type SeenRequest,
  type TestHttpServer,
} from "./helpers/httpServer.js";

// Watch tests over real HTTP with hand-written event streams (byte-exact control of the body).

const TIMINGS = { ...DEFAULT_GATEWAY_TIMINGS, helloTimeoutMs: 500, minHeartbeatIntervalMs: 10 };
const HELLO = (h = 100) =>
  `event: hello\ndata: {"watchLeaseId":"rwl_t","deviceWaitForViewerMs":1,"heartbeatIntervalMs":${h}}\n\n`;

let server: TestHttpServer;
/** Open responses, ended after each test so no stream outlives it. */
const open = new Set<ServerResponse>();
before(async () => {
  server = await startTestHttpServer();
});
after(async () => {
  await server.close();
});

function sse(res: ServerResponse, contentType = "text/event-stream") {
  open.add(res);
  res.on("close", () => open.delete(res));
  res.writeHead(200, { "content-type": contentType });
  res.flushHeaders();
}

/** Serves watches with `onWatch`; heartbeats get 200 unless `onHeartbeat` answers. */
function serve(
  onWatch: (res: ServerResponse) => void,
  onHeartbeat: (req: SeenRequest, res: ServerResponse) => void = (_q, r) => r.end(),
) {
  server.handler = (req, res) => {
    if (req.url.includes("/heartbeat")) {
      onHeartbeat(req, res);
    } else {
      onWatch(res);
    }
  };
}

/** Writes `text` every `ms` until the response closes. */
function every(res: ServerResponse, ms: number, text: string) {
  const t = setInterval(() => res.write(text), ms);
  res.on("close", () => clearInterval(t));
}

function connect(timings = TIMINGS) {
  const client = new ApiClient({ deviceToken: "fox_dt_w", baseUrl: server.url, timeoutMs: 2000 });
  return Watch.connect({
    client,
    query: { protocolVersion: "2.2.0" },
    timings,
    clock: systemClock,
  });
}

async function connectError(timings = TIMINGS): Promise<WatchError> {
  try {
    const w = await connect(timings);
    w.abort();
  } catch (e) {
    assert.ok(e instanceof WatchError, String(e));
    return e;
  }
  assert.fail("connect succeeded");
}

function cleanup() {
  for (const res of open) res.destroy();
}

describe("Watch.connect", () => {
  test("skips comments and other events before hello; clamps the hello", async () => {
    serve((res) => {
      sse(res);
      res.write(": hi\nevent: other\ndata: x\n\ndata: nameless\n\n");
      res.write(
        'event: hello\ndata: {"watchLeaseId":"rwl_1","deviceWaitForViewerMs":3,"heartbeatIntervalMs":5,"x":1}\n\n',
      );
    });
    const w = await connect(DEFAULT_GATEWAY_TIMINGS);
    assert.deepEqual(w.hello, {
      watchLeaseId: "rwl_1",
      heartbeatIntervalMs: 1000,
      deviceWaitForViewerMs: 5000,
    });
    w.abort();
    cleanup();
  });

  test("the content type may carry parameters and any case", async () => {
    serve((res) => {
      sse(res, " Text/Event-Stream ; charset=UTF-8");
      res.write(HELLO());
    });
    (await connect()).abort();
    cleanup();
  });

  test("a hello split across slow chunks is assembled", async () => {
    serve((res) => {
      sse(res);
      const text = HELLO();
      let i = 0;
      const t = setInterval(() => {
        res.write(text.slice(i, i + 7));
        i += 7;
        if (i >= text.length) clearInterval(t);
      }, 5);
    });
    (await connect()).abort();
    cleanup();
  });

  for (const [name, type, expected] of [
    ["text/html", "text/html; charset=utf-8", "text/html; charset=utf-8"],
    ["application/json", "application/json", "application/json"],
  ] as const) {
    test(`a 200 with ${name} is unexpectedContentType`, async () => {
      serve((res) => {
        res.writeHead(200, { "content-type": type });
        res.end("<html>");
      });
      const e = await connectError();
      assert.equal(e.kind, "unexpectedContentType");
      assert.equal(e.contentType, expected);
    });
  }

  test("a 200 without content type is unexpectedContentType", async () => {
    serve((res) => {
      res.removeHeader("content-type");
      res.end();
    });
    const e = await connectError();
    assert.equal(e.kind, "unexpectedContentType");
    assert.equal(e.contentType, undefined);
  });

  for (const [status, kind] of [
    [409, "conflict"],
    [401, "unauthorized"],
    [410, "api"],
    [403, "api"],
    [503, "api"],
  ] as const) {
    test(`HTTP ${status} on open is ${kind}`, async () => {
      serve((res) => {
        res.statusCode = status;
        res.end("{}");
      });
      assert.equal((await connectError()).kind, kind);
    });
  }

  test("EOF before hello is unexpectedEof; a bad hello is malformedEvent", async () => {
    serve((res) => {
      sse(res);
      res.end(": bye\n");
    });
    assert.equal((await connectError()).kind, "unexpectedEof");
    serve((res) => {
      sse(res);
      res.write('event: hello\ndata: {"watchLeaseId":1}\n\n');
    });
    assert.equal((await connectError()).kind, "malformedEvent");
    cleanup();
  });

  test("the hello deadline covers a request whose headers never come", async () => {
    serve(() => undefined);
    const started = performance.now();
    const e = await connectError();
    assert.equal(e.kind, "helloTimeout");
    assert.ok(performance.now() - started < 1500);
  });

  test("the hello deadline covers a stream that sends only keep-alives", async () => {
    serve((res) => {
      sse(res);
      every(res, 20, ": ka\n");
    });
    assert.equal((await connectError()).kind, "helloTimeout");
    cleanup();
  });

  test("a body that breaks before hello is transport", async () => {
    serve((res) => {
      sse(res);
      res.write(": x\n");
      setTimeout(() => res.destroy(), 20);
    });
    assert.equal((await connectError()).kind, "transport");
  });
});

describe("Watch.run", () => {
  test("a wake ends the run with its payload; other events and a second hello do not", async () => {
    serve((res) => {
      sse(res);
      res.write(HELLO());
      res.write(HELLO() + "event: heartbeat\ndata: {}\n\ndata: x\n\n: c\n");
      res.write(
        'event: wake\ndata: {"remoteAccessSessionId":"ras_9","url":"ws://lk","token":"jwt"}\n\n',
      );
    });
    const w = await connect();
    const r = await w.run();
    assert.deepEqual(r.outcome, {
      kind: "wake",
      wake: { remoteAccessSessionId: "ras_9", url: "ws://lk", token: "jwt" },
    });
    assert.ok(r.durationMs >= 0 && r.durationMs < 1000);
    cleanup();
  });

  test("a malformed wake is a stream error", async () => {
    serve((res) => {
      sse(res);
      res.write(HELLO() + 'event: wake\ndata: {"url":5}\n\n');
    });
    const r = await (await connect()).run();
    assert.equal(r.outcome.kind, "streamError");
    assert.equal(r.outcome.kind === "streamError" && r.outcome.error.kind, "malformedEvent");
    cleanup();
  });

  test("comments keep the stream alive; a clean end is streamEnded", async () => {
    serve((res) => {
      sse(res);
      res.write(HELLO());
      every(res, 50, ": ka\n");
      setTimeout(() => res.end(), 700); // 2.8 read timeouts of 250 ms
    });
    const r = await (await connect()).run();
    assert.equal(r.outcome.kind, "streamEnded");
    assert.ok(r.durationMs >= 650, `ran ${r.durationMs} ms`);
  });

  test("an event without data is no sign of life: the read timeout fires", async () => {
    serve((res) => {
      sse(res);
      res.write(HELLO());
      every(res, 50, "event: ping\n\n");
    });
    const r = await (await connect()).run();
    assert.equal(r.outcome.kind, "readTimeout");
    assert.ok(r.durationMs >= 245 && r.durationMs < 600, `timed out after ${r.durationMs} ms`);
    cleanup();
  });

  test("partial bytes that never complete a frame do not reset the read timeout", async () => {
    serve((res) => {
      sse(res);
      res.write(HELLO());
      every(res, 40, "x");
    });
    const r = await (await connect()).run();
    assert.equal(r.outcome.kind, "readTimeout");
    cleanup();
  });

  test("a reset stream is a transport stream error", async () => {
    serve((res) => {
      sse(res);
      res.write(HELLO());
      setTimeout(() => res.destroy(), 30);
    });
    const r = await (await connect()).run();
    assert.equal(r.outcome.kind === "streamError" && r.outcome.error.kind, "transport");
  });

  for (const [status, exit] of [
    [409, "conflict"],
    [410, "gone"],
    [401, "unauthorized"],
  ] as const) {
    test(`a heartbeat answered ${status} ends a live stream with heartbeatLost(${exit})`, async () => {
      serve(
        (res) => {
          sse(res);
          res.write(HELLO());
          every(res, 20, ": ka\n");
        },
        (_req, res) => {
          res.statusCode = status;
          res.end();
        },
      );
      const w = await connect();
      const r = await w.run();
      assert.deepEqual(r.outcome, { kind: "heartbeatLost", exit });
      assert.ok(
        r.durationMs >= 95,
        `first heartbeat is one interval after hello (${r.durationMs})`,
      );
      cleanup();
    });
  }

  test("heartbeats failing for 3 intervals end the watch with heartbeatLost(failed)", async () => {
    serve(
      (res) => {
        sse(res);
        res.write(HELLO());
        every(res, 20, ": ka\n");
      },
      (_req, res) => {
        res.statusCode = 500;
        res.end();
      },
    );
    const r = await (await connect()).run();
    assert.deepEqual(r.outcome, { kind: "heartbeatLost", exit: "failed" });
    assert.ok(r.durationMs >= 295, `tripped after ${r.durationMs} ms`);
    cleanup();
  });

  test("heartbeats carry the lease and stop once the run is over", async () => {
    let closeRes!: () => void;
    serve((res) => {
      sse(res);
      res.write(HELLO());
      every(res, 20, ": ka\n");
      closeRes = () => res.end();
    });
    const start = server.requests.length;
    const beats = (lease: string) =>
      server.requests
        .slice(start)
        .filter((r) => r.url.includes("heartbeat") && r.body.includes(`"${lease}"`)).length;
    const w = await connect();
    const running = w.run();
    await server.until(() => beats("rwl_t") >= 1);
    closeRes();
    await running;
    const after = beats("rwl_t");
    // A second watch runs for three intervals: only its own lease is posted.
    serve((res) => {
      sse(res);
      res.write(HELLO().replace("rwl_t", "rwl_2"));
      every(res, 20, ": ka\n");
    });
    const w2 = await connect();
    const second = w2.run();
    await server.until(() => beats("rwl_2") >= 3);
    assert.equal(beats("rwl_t"), after);
    w2.abort();
    await second;
    cleanup();
  });
});
