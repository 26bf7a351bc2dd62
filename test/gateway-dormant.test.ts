import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { setLogger, setLogLevel, type Logger } from "../src/core/logger.js";
import { isFoxgloveError } from "../src/core/FoxgloveError.js";
import { VERSION } from "../src/core/version.js";
import { TEST_DEVICE } from "../src/api-server/index.js";
import { startGateway } from "../src/gateway/startGateway.js";
import { FAST_TIMINGS, gapMs, startGatewayHarness } from "./helpers/gatewayHarness.js";
import { startTestHttpServer } from "./helpers/httpServer.js";

const T = FAST_TIMINGS as Required<typeof FAST_TIMINGS>;
/** Slack for a loaded machine: a wait may run this much longer than asked. */
const SLACK_MS = 250;

function assertGap(actual: number, expected: number, what: string) {
  assert.ok(
    actual >= expected - 2,
    `${what}: waited ${actual.toFixed(1)} ms, expected >= ${expected}`,
  );
  assert.ok(
    actual < expected + SLACK_MS,
    `${what}: waited ${actual.toFixed(1)} ms, expected ~${expected}`,
  );
}

/** The error lines the logger received while `body` ran. */
async function errorsLoggedDuring(body: () => Promise<void>): Promise<string[]> {
  const errors: string[] = [];
  setLogger({ debug() {}, info() {}, warn() {}, error: (...a) => errors.push(a.join(" ")) });
  try {
    await body();
  } finally {
    setLogger(console);
  }
  return errors;
}

describe("gateway dormant phase against the real API server", () => {
  test("connects: device info once, a watch with the protocol version, heartbeats with the lease", async () => {
    await using h = await startGatewayHarness();
    await h.gateway.waitForStatus("connected");
    assert.deepEqual(h.statuses, ["connecting", "connected"]);
    await h.until("three heartbeats", () => h.heartbeats().length >= 3);
    const lease = h.server.activeLease(TEST_DEVICE.id);
    assert.ok(lease);
    const [info, ...rest] = h.server.requests;
    assert.equal(info?.endpoint, "deviceInfo");
    assert.equal(rest.filter((r) => r.endpoint === "deviceInfo").length, 0);
    const watch = h.watches()[0]!;
    assert.deepEqual(watch.query, { protocolVersion: "2.3.0" });
    assert.equal(watch.authorization, "DeviceToken <redacted>");
    assert.equal(watch.userAgent, `foxglove-sdk-typescript/${VERSION}`);
    assert.equal(info.userAgent, `foxglove-sdk-typescript/${VERSION}`);
    const beats = h.heartbeats();
    assert.ok(beats.every((b) => b.status === 200 && b.watchLeaseId === lease.id));
    // The k-th heartbeat is due k intervals (100 ms) after the hello: never early, no burst.
    beats.forEach((b, i) => {
      const since = gapMs(watch, b);
      assert.ok(since >= (i + 1) * 100 - 5, `heartbeat ${i + 1} after ${since} ms`);
    });
    assert.deepEqual(h.gateway.deviceInfo, {
      id: TEST_DEVICE.id,
      name: TEST_DEVICE.name,
      projectId: TEST_DEVICE.projectId,
      retainRecordingsSeconds: TEST_DEVICE.retainRecordingsSeconds,
    });
  });

  test("a URL whose device-info answers 404 stops the gateway (notFound), naming the URL", async () => {
    await using h = await startGatewayHarness();
    const errors = await errorsLoggedDuring(async () => {
      // The API server answers 404 below an unknown path prefix: the URL of some other service.
      const gateway = startGateway({
        deviceToken: TEST_DEVICE.token,
        foxgloveApiUrl: `${h.server.url}/not-the-api`,
        timings: FAST_TIMINGS,
      });
      await gateway.waitForStatus("shutdown");
      assert.equal(gateway.stopReason, "notFound");
    });
    assert.equal(errors.length, 1, errors.join("\n"));
    assert.match(
      errors[0]!,
      new RegExp(
        `device-info request to ${h.server.url}/not-the-api/internal/platform/v1/device-info ` +
          "failed with HTTP 404.*no device API at .*check FOXGLOVE_API_URL",
      ),
    );
  });

  test("a 401 names the cause: another service at the URL, or a rejected token", async () => {
    // Some other service at the URL: a 401 without the device API's JSON error body.
    await using other = await startTestHttpServer();
    other.handler = (_req, res) => {
      res.writeHead(401, { "content-type": "text/plain" }).end("Unauthorized");
    };
    // The real API server with a wrong device token: its JSON error body.
    await using h = await startGatewayHarness({ gateway: { deviceToken: "fox_dt_wrong" } });
    await h.gateway.waitForStatus("shutdown");
    const errors = await errorsLoggedDuring(async () => {
      for (const [foxgloveApiUrl, deviceToken] of [
        [other.url, TEST_DEVICE.token],
        [h.server.url, "fox_dt_wrong"],
      ] as const) {
        const gateway = startGateway({ deviceToken, foxgloveApiUrl, timings: FAST_TIMINGS });
        await gateway.waitForStatus("shutdown");
        assert.equal(gateway.stopReason, "unauthorized");
      }
    });
    assert.equal(errors.length, 2, errors.join("\n"));
    assert.match(
      errors[0]!,
      new RegExp(`${other.url}/internal/platform/v1/device-info .*HTTP 401`),
    );
    assert.match(errors[0]!, /not from a Foxglove device API: check FOXGLOVE_API_URL/);
    assert.doesNotMatch(errors[0]!, /token was rejected/);
    assert.match(
      errors[1]!,
      new RegExp(`${h.server.url}/internal/platform/v1/device-info .*HTTP 401`),
    );
    assert.match(errors[1]!, /the device token was rejected \(check FOXGLOVE_DEVICE_TOKEN\)/);
    assert.doesNotMatch(errors.join("\n"), /fox_dt_/);
  });

  test("401 on the watch stops for good", async () => {
    await using h = await startGatewayHarness({ gateway: { deviceToken: "fox_dt_wrong" } });
    await h.gateway.waitForStatus("shutdown");
    assert.equal(h.gateway.stopReason, "unauthorized");
    assert.deepEqual(h.statuses, ["connecting", "shuttingDown", "shutdown"]);
    assert.equal(h.server.requests.length, 1); // device-info answered 401: nothing more
    await assert.rejects(h.gateway.waitForStatus("connected"), (e) =>
      isFoxgloveError(e, "ERR_ABORTED"),
    );
  });

  test("401 on the watch (after device info) stops for good", async () => {
    await using h = await startGatewayHarness();
    h.server.injectFault("watch", { kind: "respond", status: 401 });
    await h.gateway.waitForStatus("shutdown");
    assert.equal(h.gateway.stopReason, "unauthorized");
    assert.deepEqual(h.statuses, ["connecting", "shuttingDown", "shutdown"]);
    assert.equal(h.watches().length, 1);
  });

  test("401 on a heartbeat stops for good", async () => {
    await using h = await startGatewayHarness();
    await h.gateway.waitForStatus("connected");
    h.server.injectFault("heartbeat", { kind: "respond", status: 401 });
    await h.gateway.waitForStatus("shutdown");
    assert.equal(h.gateway.stopReason, "unauthorized");
    assert.deepEqual(h.statuses, ["connecting", "connected", "shuttingDown", "shutdown"]);
  });

  test("409 on the watch waits the fixed lease-conflict delay and drops the lease", async () => {
    await using h = await startGatewayHarness();
    h.server.injectFault("watch", { kind: "respond", status: 409, body: { error: "conflict" } });
    await h.gateway.waitForStatus("connected");
    const [conflict, next] = h.watches();
    assert.equal(conflict?.status, 409);
    assertGap(gapMs(conflict, next!), T.leaseConflictBackoffMs, "409 wait");
    assert.equal(next!.query.previousWatchLeaseId, undefined);
  });

  test("a 200 that is not an event stream waits the fixed maintenance delay", async () => {
    await using h = await startGatewayHarness();
    h.server.injectFault("watch", {
      kind: "respond",
      status: 200,
      body: "<html>maintenance</html>",
      contentType: "text/html",
    });
    await h.gateway.waitForStatus("connected");
    const [page, next] = h.watches();
    assert.equal(page?.status, 200);
    assertGap(gapMs(page, next!), T.nonSseBackoffMs, "maintenance wait");
  });

  test("5xx backs off 1, 2, 4 ... up to the cap (scaled), then connects", async () => {
    await using h = await startGatewayHarness();
    h.server.injectFault("watch", { kind: "respond", status: 503 }, { times: 6 });
    await h.gateway.waitForStatus("connected", { signal: AbortSignal.timeout(10_000) });
    const w = h.watches();
    assert.equal(w.length, 7);
    const expected = [40, 80, 160, 320, 320, 320];
    expected.forEach((ms, i) => assertGap(gapMs(w[i]!, w[i + 1]!), ms, `backoff #${i + 1}`));
    assert.deepEqual(h.statuses, ["connecting", "connected"]);
  });

  test("a refused or reset connection backs off like a 5xx", async () => {
    await using h = await startGatewayHarness();
    h.server.injectFault("watch", { kind: "reset" }, { times: 2 });
    await h.gateway.waitForStatus("connected");
    const w = h.watches();
    assertGap(gapMs(w[0]!, w[1]!), 40, "first retry");
    assertGap(gapMs(w[1]!, w[2]!), 80, "second retry");
  });

  test("no hello within the hello deadline backs off and retries", async () => {
    await using h = await startGatewayHarness();
    h.server.injectFault("watch", { kind: "withholdHello" });
    await h.gateway.waitForStatus("connected");
    const [held, next] = h.watches();
    // The deadline starts when the request is sent, a little before the server records it.
    assertGap(gapMs(held!, next!) + 20, T.helloTimeoutMs + 40, "hello timeout + backoff");
  });

  test("EOF or a malformed hello back off and retry", async () => {
    await using h = await startGatewayHarness();
    h.server.injectFault("watch", { kind: "eofBeforeHello" });
    h.server.injectFault("watch", { kind: "malformedHello" });
    await h.gateway.waitForStatus("connected");
    const w = h.watches();
    assert.equal(w.length, 3);
    assertGap(gapMs(w[0]!, w[1]!), 40, "after EOF");
    assertGap(gapMs(w[1]!, w[2]!), 80, "after malformed hello");
  });

  test("the lease is carried into the next connect after a clean stream end", async () => {
    await using h = await startGatewayHarness();
    await h.gateway.waitForStatus("connected");
    const first = h.server.activeLease(TEST_DEVICE.id)!.id;
    // A healthy watch (one heartbeat interval) reconnects at once; a shorter one backs off.
    await h.until("two heartbeats (over one interval)", () => h.heartbeats().length >= 2);
    h.server.dropWatch(TEST_DEVICE.id, "end");
    await h.until("a second watch", () => h.watches().length >= 2);
    assert.equal(h.watches()[1]!.query.previousWatchLeaseId, first);
    await h.until("a new lease", () => h.server.activeLease(TEST_DEVICE.id)?.id !== first);
    // A reconnect is not a degradation: no connecting in between.
    assert.deepEqual(h.statuses, ["connecting", "connected"]);
  });

  test("a stream that goes quiet past the read timeout reconnects with its lease", async () => {
    await using h = await startGatewayHarness();
    h.server.injectFault("watch", { kind: "stallAfterHello" });
    await h.gateway.waitForStatus("connected");
    const first = h.server.activeLease(TEST_DEVICE.id)!.id;
    await h.until("a second watch", () => h.watches().length >= 2, 3000);
    const [stalled, next] = h.watches();
    // 2.5 heartbeat intervals of silence (100 ms each).
    assertGap(gapMs(stalled!, next!), 250, "read timeout");
    assert.equal(next!.query.previousWatchLeaseId, first);
    assert.deepEqual(h.statuses, ["connecting", "connected"]);
  });

  test("keep-alive comments keep a quiet stream alive", async () => {
    await using h = await startGatewayHarness();
    await h.gateway.waitForStatus("connected");
    // 8 heartbeats = 800 ms, over three read timeouts, with the server's comments only.
    await h.until("eight heartbeats", () => h.heartbeats().length >= 8);
    assert.equal(h.watches().length, 1);
  });

  test("a heartbeat answered 410 gets a fresh lease without the old one", async () => {
    await using h = await startGatewayHarness();
    await h.gateway.waitForStatus("connected");
    const first = h.server.activeLease(TEST_DEVICE.id)!.id;
    h.server.injectFault("heartbeat", { kind: "respond", status: 410 });
    await h.until("a second watch", () => h.watches().length >= 2);
    assert.equal(h.watches()[1]!.query.previousWatchLeaseId, undefined);
    await h.until("a fresh lease", () => {
      const l = h.server.activeLease(TEST_DEVICE.id);
      return l !== undefined && l.id !== first;
    });
    await h.until("heartbeats on the fresh lease", () =>
      h.heartbeats().some((b) => b.status === 200 && b.watchLeaseId !== first),
    );
  });

  test("a heartbeat answered 409 reports connecting and waits the lease-conflict delay", async () => {
    await using h = await startGatewayHarness();
    await h.gateway.waitForStatus("connected");
    h.server.injectFault("heartbeat", { kind: "respond", status: 409 });
    await h.until("a second watch", () => h.watches().length >= 2, 3000);
    await h.gateway.waitForStatus("connected");
    const conflict = h.heartbeats().find((b) => b.status === 409)!;
    assertGap(gapMs(conflict, h.watches()[1]!), T.leaseConflictBackoffMs, "conflict wait");
    assert.equal(h.watches()[1]!.query.previousWatchLeaseId, undefined);
    assert.deepEqual(h.statuses, ["connecting", "connected", "connecting", "connected"]);
  });

  test("heartbeats failing for 3 intervals reconnect at once with the lease", async () => {
    await using h = await startGatewayHarness();
    await h.gateway.waitForStatus("connected");
    const first = h.server.activeLease(TEST_DEVICE.id)!.id;
    h.server.injectFault("heartbeat", { kind: "respond", status: 500 }, { times: 3 });
    await h.until("a second watch", () => h.watches().length >= 2, 3000);
    const failures = h.heartbeats().filter((b) => b.status === 500);
    assert.equal(failures.length, 3);
    assert.ok(gapMs(failures[2]!, h.watches()[1]!) < 100, "reconnected at once");
    assert.equal(h.watches()[1]!.query.previousWatchLeaseId, first);
    assert.deepEqual(h.statuses, ["connecting", "connected"]);
  });

  test("a stream error after a healthy run reconnects at once; a quick one backs off", async () => {
    await using h = await startGatewayHarness({
      gateway: { timings: { ...FAST_TIMINGS, initialBackoffMs: 600 } },
    });
    await h.gateway.waitForStatus("connected");
    await h.until("two heartbeats (over one interval)", () => h.heartbeats().length >= 2);
    h.server.dropWatch(TEST_DEVICE.id, "reset");
    await h.until("a second watch", () => h.watches().length >= 2);
    const [a, b] = h.watches();
    const dropped = h.heartbeats()[1]!;
    assert.ok(gapMs(dropped, b!) < 300, `healthy drop reconnects at once (${gapMs(a!, b!)} ms)`);
    assert.deepEqual(h.statuses, ["connecting", "connected"]);
    // The next watch errors right after its hello: that one backs off (600 ms) and reports it.
    h.server.injectFault("watch", { kind: "dropAfterHello", mode: "reset" });
    const beats = h.heartbeats().length;
    await h.until("two more heartbeats", () => h.heartbeats().length >= beats + 2);
    h.server.dropWatch(TEST_DEVICE.id, "end");
    await h.until("a fourth watch", () => h.watches().length >= 4, 5000);
    await h.until("connected again", () => h.statuses.length === 4);
    const w = h.watches();
    assertGap(gapMs(w[2]!, w[3]!), 600, "short-lived error backoff");
    assert.deepEqual(h.statuses, ["connecting", "connected", "connecting", "connected"]);
  });

  test("device-info failures back off without leaving connecting, then proceed", async () => {
    await using h = await startGatewayHarness();
    h.server.injectFault("deviceInfo", { kind: "respond", status: 500 });
    h.server.injectFault("deviceInfo", { kind: "respond", status: 200, body: "not json" });
    await h.gateway.waitForStatus("connected");
    const infos = h.server.requests.filter((r) => r.endpoint === "deviceInfo");
    assert.equal(infos.length, 3);
    assertGap(gapMs(infos[0]!, infos[1]!), 40, "device-info backoff 1");
    assertGap(gapMs(infos[1]!, infos[2]!), 80, "device-info backoff 2");
    assert.deepEqual(h.statuses, ["connecting", "connected"]);
  });
});

describe("gateway stop and configuration", () => {
  test("a missing device token is ERR_CONFIGURATION at start", () => {
    const saved = process.env.FOXGLOVE_DEVICE_TOKEN;
    delete process.env.FOXGLOVE_DEVICE_TOKEN;
    try {
      assert.throws(
        () => startGateway({ foxgloveApiUrl: "http://127.0.0.1:1" }),
        (e) => isFoxgloveError(e, "ERR_CONFIGURATION"),
      );
    } finally {
      if (saved !== undefined) process.env.FOXGLOVE_DEVICE_TOKEN = saved;
    }
  });

  test("bad session limits and unsupported capabilities are ERR_CONFIGURATION at start", () => {
    const base = { deviceToken: "fox_dt_x", foxgloveApiUrl: "http://127.0.0.1:1" };
    for (const bad of [
      { maxDataTrackMessageSize: 1199 },
      { messageBacklogSize: 0 },
      { capabilities: ["assets" as const] },
    ]) {
      assert.throws(
        () => startGateway({ ...base, ...bad }),
        (e) => isFoxgloveError(e, "ERR_CONFIGURATION"),
        JSON.stringify(bad),
      );
    }
  });

  const phases = [
    ["bootstrap (device-info hangs)", "deviceInfo", { kind: "hang" }],
    ["watch connect (no hello)", "watch", { kind: "withholdHello" }],
    ["backoff sleep", "watch", { kind: "respond", status: 503 }],
  ] as const;
  for (const [name, endpoint, fault] of phases) {
    test(`stop() during ${name} ends in shutdown at once`, async () => {
      await using h = await startGatewayHarness({
        gateway: { timings: { ...FAST_TIMINGS, initialBackoffMs: 10_000, helloTimeoutMs: 10_000 } },
      });
      h.server.injectFault(endpoint, fault);
      await h.until(`a ${endpoint} request`, () =>
        h.server.requests.some((r) => r.endpoint === endpoint),
      );
      const started = performance.now();
      await h.gateway.stop();
      assert.ok(performance.now() - started < 500, "stopped promptly");
      assert.equal(h.gateway.connectionStatus, "shutdown");
      assert.deepEqual(h.statuses, ["connecting", "shuttingDown", "shutdown"]);
      assert.equal(h.gateway.stopReason, "stopped");
    });
  }

  test("stop() while dormant ends in shutdown, closes the stream and stops heartbeats", async () => {
    await using h = await startGatewayHarness({ server: { leaseTtlMs: 300 } });
    await h.gateway.waitForStatus("connected");
    await h.until("a heartbeat", () => h.heartbeats().length >= 1);
    const closed = h.server.waitFor("watchClosed");
    const expired = h.server.waitFor("leaseEnded", { filter: (l) => l.reason === "expired" });
    await h.gateway.stop();
    await closed;
    const beats = h.heartbeats().length;
    // The lease can only expire if no heartbeat renewed it after the stop.
    await expired;
    assert.equal(h.heartbeats().length, beats);
    assert.deepEqual(h.statuses, ["connecting", "connected", "shuttingDown", "shutdown"]);
  });

  test("aborting the options signal stops the gateway; stop() is idempotent", async () => {
    const ctl = new AbortController();
    await using h = await startGatewayHarness({ gateway: { signal: ctl.signal } });
    await h.gateway.waitForStatus("connected");
    ctl.abort();
    await h.gateway.waitForStatus("shutdown");
    await h.gateway.stop();
    await h.gateway.stop();
    assert.deepEqual(h.statuses, ["connecting", "connected", "shuttingDown", "shutdown"]);
  });

  test("waitForStatus honours its own signal", async () => {
    await using h = await startGatewayHarness();
    h.server.injectFault("deviceInfo", { kind: "hang" });
    await assert.rejects(
      h.gateway.waitForStatus("connected", { signal: AbortSignal.timeout(50) }),
      (e) => isFoxgloveError(e, "ERR_ABORTED"),
    );
  });

  test("a throwing status listener does not break the gateway", async () => {
    await using h = await startGatewayHarness({
      gateway: {
        listener: {
          onConnectionStatusChanged() {
            throw new Error("listener bug");
          },
        },
      },
    });
    const warnings: unknown[] = [];
    setLogger({ debug() {}, info() {}, warn: (...a) => warnings.push(a), error() {} });
    try {
      await h.gateway.waitForStatus("connected");
    } finally {
      setLogger(console);
    }
    assert.equal(h.gateway.connectionStatus, "connected");
  });
});

describe("gateway secrecy", () => {
  test("the device token never appears in logs, even at debug level with failures", async () => {
    const lines: string[] = [];
    const capture = (...args: unknown[]) =>
      lines.push(
        args
          .map((a) => (a instanceof Error ? `${a.message} ${String(a.cause)}` : String(a)))
          .join(" "),
      );
    const logger: Logger = { debug: capture, info: capture, warn: capture, error: capture };
    setLogger(logger);
    setLogLevel("debug");
    try {
      await using h = await startGatewayHarness();
      h.server.injectFault("deviceInfo", {
        kind: "respond",
        status: 500,
        body: `echo ${TEST_DEVICE.token}`,
      });
      h.server.injectFault("watch", {
        kind: "respond",
        status: 503,
        body: { error: `bad ${TEST_DEVICE.token}` },
      });
      h.server.injectFault("heartbeat", { kind: "respond", status: 500, body: TEST_DEVICE.token });
      await h.gateway.waitForStatus("connected");
      await h.until("a failed heartbeat", () => h.heartbeats().some((b) => b.status === 500));
      await h.until("a good heartbeat after it", () => h.heartbeats().at(-1)?.status === 200);
    } finally {
      setLogger(console);
      setLogLevel("warn");
    }
    assert.ok(lines.length > 3, "something was logged");
    assert.ok(
      lines.some((l) => l.includes("<redacted>")),
      "the echoed token was redacted",
    );
    for (const line of lines) {
      assert.ok(!line.includes(TEST_DEVICE.token), `token leaked: ${line}`);
    }
  });
});

describe("gateway with the protocol's real timings", () => {
  test("end to end: 1 s heartbeats, then a 5xx waits the real 1 s backoff", async () => {
    await using h = await startGatewayHarness({
      server: { heartbeatIntervalMs: 1000 },
      gateway: { timings: {} },
    });
    await h.gateway.waitForStatus("connected");
    await h.until("a heartbeat", () => h.heartbeats().length >= 1, 3000);
    const watch = h.watches()[0]!;
    const since = gapMs(watch, h.heartbeats()[0]!);
    assert.ok(since >= 995 && since < 1000 + SLACK_MS, `first heartbeat after ${since} ms`);
    h.server.injectFault("watch", { kind: "respond", status: 503 });
    h.server.dropWatch(TEST_DEVICE.id, "end");
    await h.until("a third watch", () => h.watches().length >= 3, 4000);
    const [, failed, next] = h.watches();
    assert.equal(failed!.status, 503);
    assertGap(gapMs(failed!, next!), 1000, "real initial backoff");
    await h.until("connected again", () => h.statuses.length === 4);
    assert.deepEqual(h.statuses, ["connecting", "connected", "connecting", "connected"]);
  });

  test("an API that ends every watch right after hello gets at most 1 watch request/s", async () => {
    await using h = await startGatewayHarness({
      server: { heartbeatIntervalMs: 1000 },
      gateway: { timings: {} },
    });
    h.server.injectFault("watch", { kind: "dropAfterHello", mode: "end" }, { times: Infinity });
    await h.until("four watches", () => h.watches().length >= 4, 12_000);
    const w = h.watches();
    // Backoff 1, 2, 4 s: never two watches within a second, and it keeps doubling.
    const gaps = w.slice(1).map((b, i) => gapMs(w[i]!, b));
    assertGap(gaps[0]!, 1000, "first short watch");
    assertGap(gaps[1]!, 2000, "second short watch");
    assertGap(gaps[2]!, 4000, "third short watch");
    assert.ok(h.statuses.includes("connecting"));
  });
});
