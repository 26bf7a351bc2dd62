import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  initialRetryState,
  onConnectError,
  onConnectSuccess,
  onWatchEnd,
  type WatchRetryState,
} from "./retryPolicy.js";
import { DEFAULT_GATEWAY_TIMINGS, doubleBackoff } from "./timings.js";
import { WatchError, type WatchErrorKind } from "./WatchError.js";
import type { WakeEvent, WatchOutcome } from "./WatchOutcome.js";

const S = 1000;
const LEASE = "rwl_lease";
const HEARTBEAT = 10 * S;
const LONG_RUN = 60 * S;
const SHORT_RUN = 100;
const wake: WakeEvent = { remoteAccessSessionId: "ras_1", url: "wss://lk.example", token: "jwt" };

function state(previousLeaseId: string | undefined, backoffMs: number): WatchRetryState {
  return { previousLeaseId, backoffMs };
}

function end(outcome: WatchOutcome, durationMs = LONG_RUN) {
  return { outcome, leaseId: LEASE, durationMs, heartbeatIntervalMs: HEARTBEAT };
}

describe("backoff arithmetic", () => {
  test("doubling stops at the cap however often it is applied", () => {
    let b = DEFAULT_GATEWAY_TIMINGS.initialBackoffMs;
    for (let i = 0; i < 40; i++) b = doubleBackoff(b, 30 * S);
    assert.equal(b, 30 * S);
  });

  test("the initial state carries no lease and a 1 s backoff", () => {
    assert.deepEqual(initialRetryState(), state(undefined, 1 * S));
  });

  test("consecutive transient connect failures wait 1, 2, 4, 8, 16, 30, 30 s", () => {
    let s = initialRetryState();
    const delays: number[] = [];
    for (let i = 0; i < 7; i++) {
      const d = onConnectError(s, "api");
      assert.equal(d.action.kind, "retryAfter");
      if (d.action.kind === "retryAfter") delays.push(d.action.delayMs);
      s = d.state;
    }
    assert.deepEqual(
      delays,
      [1, 2, 4, 8, 16, 30, 30].map((x) => x * S),
    );
  });

  test("custom timings scale every delay", () => {
    const t = {
      initialBackoffMs: 10,
      maxBackoffMs: 35,
      leaseConflictBackoffMs: 7,
      nonSseBackoffMs: 9,
    };
    let s = initialRetryState(t);
    const delays: number[] = [];
    for (let i = 0; i < 4; i++) {
      const d = onConnectError(s, "helloTimeout", t);
      if (d.action.kind === "retryAfter") delays.push(d.action.delayMs);
      s = d.state;
    }
    assert.deepEqual(delays, [10, 20, 35, 35]);
    assert.deepEqual(onConnectError(s, "conflict", t).action, { kind: "retryAfter", delayMs: 7 });
    assert.deepEqual(onConnectError(s, "unexpectedContentType", t).action, {
      kind: "retryAfter",
      delayMs: 9,
    });
    assert.equal(onConnectSuccess(s).backoffMs, 35);
  });
});

describe("6.1 after a successful connect", () => {
  test("the lease is dropped and the backoff kept (deviation: hello alone proves nothing)", () => {
    assert.deepEqual(onConnectSuccess(state("stale", 8 * S)), state(undefined, 8 * S));
  });

  test("a failure streak starts over only after a watch ran one heartbeat interval", () => {
    let s = initialRetryState();
    for (let i = 0; i < 4; i++) s = onConnectError(s, "transport").state;
    assert.equal(s.backoffMs, 16 * S);
    s = onConnectSuccess(s);
    assert.deepEqual(onConnectError(s, "api").action, { kind: "retryAfter", delayMs: 16 * S });
    s = onWatchEnd(onConnectSuccess(s), end({ kind: "streamEnded" }, HEARTBEAT)).state;
    assert.deepEqual(onConnectError(s, "api").action, { kind: "retryAfter", delayMs: 1 * S });
  });
});

describe("6.2 after a failed connect", () => {
  test("unauthorized stops and leaves the state as it was", () => {
    const before = state("keep-me", 4 * S);
    const d = onConnectError(before, "unauthorized");
    assert.deepEqual(d.action, { kind: "stopUnauthorized" });
    assert.deepEqual(d.state, before);
  });

  test("conflict drops the lease, waits the fixed lease-conflict delay, keeps the backoff", () => {
    const d = onConnectError(state("ours", 2 * S), "conflict");
    assert.deepEqual(d.action, { kind: "retryAfter", delayMs: 30 * S });
    assert.deepEqual(d.state, state(undefined, 2 * S));
  });

  test("unexpected content type waits the fixed maintenance delay and changes nothing", () => {
    const d = onConnectError(state("keep", 2 * S), "unexpectedContentType");
    assert.deepEqual(d.action, { kind: "retryAfter", delayMs: 30 * S });
    assert.deepEqual(d.state, state("keep", 2 * S));
  });

  const transient: WatchErrorKind[] = [
    "api",
    "transport",
    "unexpectedEof",
    "helloTimeout",
    "malformedEvent",
  ];
  for (const kind of transient) {
    test(`${kind} waits the current backoff, doubles it, keeps the lease`, () => {
      const d = onConnectError(state("keep", 2 * S), kind);
      assert.deepEqual(d.action, { kind: "retryAfter", delayMs: 2 * S });
      assert.deepEqual(d.state, state("keep", 4 * S));
    });
    test(`${kind} at the cap stays at the cap`, () => {
      const d = onConnectError(state(undefined, 30 * S), kind);
      assert.deepEqual(d.action, { kind: "retryAfter", delayMs: 30 * S });
      assert.equal(d.state.backoffMs, 30 * S);
    });
  }

  test("fixed waits do not disturb the transient schedule in between", () => {
    let s = onConnectError(initialRetryState(), "api").state; // next 2 s
    s = onConnectError(s, "conflict").state;
    s = onConnectError(s, "unexpectedContentType").state;
    assert.deepEqual(onConnectError(s, "api").action, { kind: "retryAfter", delayMs: 2 * S });
  });

  test("the input state object is never mutated", () => {
    const before = Object.freeze(state("x", 2 * S));
    for (const k of [...transient, "conflict", "unauthorized", "unexpectedContentType"] as const) {
      onConnectError(before, k);
    }
    assert.deepEqual(before, state("x", 2 * S));
  });
});

describe("6.3 after a watch ends", () => {
  test("wake hands over the credentials and changes nothing", () => {
    const before = state("untouched", 8 * S);
    const d = onWatchEnd(before, end({ kind: "wake", wake }));
    assert.deepEqual(d.action, { kind: "wake", wake });
    assert.deepEqual(d.state, before);
  });

  for (const kind of ["readTimeout", "streamEnded"] as const) {
    test(`${kind} after a healthy run reconnects at once carrying this lease, backoff reset`, () => {
      const d = onWatchEnd(state(undefined, 8 * S), end({ kind }, LONG_RUN));
      assert.deepEqual(d.action, { kind: "reconnect" });
      assert.deepEqual(d.state, state(LEASE, 1 * S));
    });

    test(`${kind} after a short run (D < H) backs off and doubles (deviation)`, () => {
      const d = onWatchEnd(state(undefined, 8 * S), end({ kind }, HEARTBEAT - 1));
      assert.deepEqual(d.action, { kind: "backoff", delayMs: 8 * S });
      assert.deepEqual(d.state, state(LEASE, 16 * S));
    });
  }

  const streamError: WatchOutcome = {
    kind: "streamError",
    error: new WatchError("transport", "reset"),
  };

  test("stream error after a healthy run (D >= H) reconnects at once, backoff reset", () => {
    const d = onWatchEnd(state(undefined, 4 * S), end(streamError, LONG_RUN));
    assert.deepEqual(d.action, { kind: "reconnect" });
    assert.deepEqual(d.state, state(LEASE, 1 * S));
  });

  test("stream error exactly at one heartbeat interval counts as healthy", () => {
    const d = onWatchEnd(state(undefined, 4 * S), end(streamError, HEARTBEAT));
    assert.deepEqual(d.action, { kind: "reconnect" });
  });

  test("stream error after a short run (D < H) backs off and doubles, carrying the lease", () => {
    const d = onWatchEnd(state(undefined, 4 * S), end(streamError, HEARTBEAT - 1));
    assert.deepEqual(d.action, { kind: "backoff", delayMs: 4 * S });
    assert.deepEqual(d.state, state(LEASE, 8 * S));
  });

  test("a malformed wake is a stream error like any other", () => {
    const malformed: WatchOutcome = {
      kind: "streamError",
      error: new WatchError("malformedEvent", "bad wake"),
    };
    assert.deepEqual(onWatchEnd(initialRetryState(), end(malformed, SHORT_RUN)).action, {
      kind: "backoff",
      delayMs: 1 * S,
    });
  });

  test("short stream errors at the cap stay at the cap", () => {
    const d = onWatchEnd(state(undefined, 30 * S), end(streamError, SHORT_RUN));
    assert.deepEqual(d.action, { kind: "backoff", delayMs: 30 * S });
    assert.equal(d.state.backoffMs, 30 * S);
  });

  test("heartbeat conflict drops the lease and waits the fixed conflict delay", () => {
    const d = onWatchEnd(state("ours", 8 * S), end({ kind: "heartbeatLost", exit: "conflict" }));
    assert.deepEqual(d.action, { kind: "backoff", delayMs: 30 * S });
    assert.deepEqual(d.state, state(undefined, 8 * S));
  });

  test("heartbeat gone drops the lease and reconnects at once", () => {
    const d = onWatchEnd(state("ours", 4 * S), end({ kind: "heartbeatLost", exit: "gone" }));
    assert.deepEqual(d.action, { kind: "reconnect" });
    assert.deepEqual(d.state, state(undefined, 1 * S));
  });

  test("heartbeat gone or failed before one interval backs off", () => {
    for (const exit of ["gone", "failed"] as const) {
      const d = onWatchEnd(state("ours", 4 * S), end({ kind: "heartbeatLost", exit }, SHORT_RUN));
      assert.deepEqual(d.action, { kind: "backoff", delayMs: 4 * S });
      assert.equal(d.state.backoffMs, 8 * S);
    }
  });

  test("heartbeat unauthorized stops and leaves the state", () => {
    const before = state("ours", 2 * S);
    const d = onWatchEnd(before, end({ kind: "heartbeatLost", exit: "unauthorized" }));
    assert.deepEqual(d.action, { kind: "stopUnauthorized" });
    assert.deepEqual(d.state, before);
  });

  test("heartbeat failed reconnects at once carrying this lease", () => {
    const d = onWatchEnd(initialRetryState(), end({ kind: "heartbeatLost", exit: "failed" }));
    assert.deepEqual(d.action, { kind: "reconnect" });
    assert.deepEqual(d.state, state(LEASE, 1 * S));
  });

  test("heartbeat cancelled leaves the phase without stopping", () => {
    const before = state("x", 4 * S);
    const d = onWatchEnd(before, end({ kind: "heartbeatLost", exit: "cancelled" }));
    assert.deepEqual(d.action, { kind: "stop" });
    assert.deepEqual(d.state, before);
  });

  for (const outcome of [streamError, { kind: "streamEnded" } as const]) {
    test(`a server that accepts then quickly ends (${outcome.kind}) is backed off to the cap`, () => {
      let s = initialRetryState();
      const delays: number[] = [];
      for (let i = 0; i < 7; i++) {
        s = onConnectSuccess(s);
        const d = onWatchEnd(s, end(outcome, SHORT_RUN));
        if (d.action.kind === "backoff") delays.push(d.action.delayMs);
        s = d.state;
      }
      assert.deepEqual(
        delays,
        [1, 2, 4, 8, 16, 30, 30].map((x) => x * S),
      );
    });
  }
});
