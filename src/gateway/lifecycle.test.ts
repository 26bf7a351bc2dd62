import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { DeviceInfo } from "./ApiClient.js";
import type { ConnectionStatus } from "./ConnectionStatus.js";
import {
  startLifecycle,
  stepLifecycle,
  type LifecycleCommand,
  type LifecycleEvent,
  type LifecycleState,
} from "./lifecycle.js";
import { DEFAULT_GATEWAY_TIMINGS } from "./timings.js";
import { WatchError } from "./WatchError.js";
import type { WakeEvent, WatchHello, WatchOutcome } from "./WatchOutcome.js";

const S = 1000;
const DEVICE: DeviceInfo = {
  id: "dev_1",
  name: "robot",
  projectId: "prj",
  retainRecordingsSeconds: undefined,
};
const hello = (lease = "rwl_1"): WatchHello => ({
  watchLeaseId: lease,
  heartbeatIntervalMs: 5 * S,
  deviceWaitForViewerMs: 300 * S,
});
const WAKE: WakeEvent = { remoteAccessSessionId: "ras_1", url: "ws://lk", token: "jwt" };

/** Drives the pure lifecycle, recording every reported status and every command. */
class Driver {
  state: LifecycleState;
  command: LifecycleCommand;
  statuses: ConnectionStatus[] = [];
  commands: LifecycleCommand[] = [];
  conflicts: { kept: string; ignored: string }[] = [];

  constructor() {
    const step = startLifecycle(DEFAULT_GATEWAY_TIMINGS);
    this.state = step.state;
    this.command = step.command;
    this.statuses.push(...step.statuses);
    this.commands.push(step.command);
  }

  send(...events: LifecycleEvent[]): this {
    for (const e of events) {
      const step = stepLifecycle(this.state, e);
      this.state = step.state;
      this.command = step.command;
      this.statuses.push(...step.statuses);
      this.commands.push(step.command);
      if (step.sessionIdConflict) this.conflicts.push(step.sessionIdConflict);
    }
    return this;
  }

  /** Clears the recorded statuses (to look at what happens next). */
  mark(): this {
    this.statuses = [];
    this.commands = [];
    return this;
  }

  get status(): ConnectionStatus {
    return this.state.status;
  }
}

const ev = {
  info: { kind: "deviceInfoFetched", deviceInfo: DEVICE } as const,
  infoFailed: { kind: "deviceInfoFailed", unauthorized: false } as const,
  info401: { kind: "deviceInfoFailed", unauthorized: true } as const,
  connected: (lease = "rwl_1") => ({ kind: "watchConnected", hello: hello(lease) }) as const,
  connectFailed: (error: WatchError["kind"]) => ({ kind: "watchConnectFailed", error }) as const,
  ended: (outcome: WatchOutcome, durationMs = 60 * S) =>
    ({ kind: "watchEnded", outcome, durationMs }) as const,
  slept: { kind: "slept" } as const,
  joined: { kind: "joined" } as const,
  joinFailed: { kind: "joinFailed" } as const,
  sessionEnded: { kind: "sessionEnded" } as const,
  sessionClosed: { kind: "sessionClosed" } as const,
  cancelled: { kind: "cancelled" } as const,
};
const wakeOutcome = (w: WakeEvent = WAKE): WatchOutcome => ({ kind: "wake", wake: w });

function commandOf<K extends LifecycleCommand["kind"]>(d: Driver, kind: K) {
  const c: LifecycleCommand = d.command;
  assert.equal(c.kind, kind);
  return c as Extract<LifecycleCommand, { kind: K }>;
}
const leaseOf = (d: Driver) => commandOf(d, "connectWatch").query.previousWatchLeaseId;
const watchSessionOf = (d: Driver) => commandOf(d, "connectWatch").query.remoteAccessSessionId;
const joinSessionOf = (d: Driver) => commandOf(d, "joinRoom").remoteAccessSessionId;

/** A driver that is connected to a watch (status connected, awaiting runWatch). */
function dormantConnected(): Driver {
  return new Driver().send(ev.info, ev.connected());
}

function inSession(): Driver {
  return dormantConnected().send(ev.ended(wakeOutcome()), ev.joined);
}

describe("lifecycle: start and bootstrap (7.1, 7.2)", () => {
  test("start reports connecting and fetches the device info", () => {
    const d = new Driver();
    assert.deepEqual(d.statuses, ["connecting"]);
    assert.deepEqual(d.command, { kind: "fetchDeviceInfo" });
  });

  test("device info then the first watch, with protocol version and nothing else", () => {
    const d = new Driver().send(ev.info);
    assert.deepEqual(d.command, {
      kind: "connectWatch",
      query: {
        protocolVersion: "2.2.0",
        remoteAccessSessionId: undefined,
        previousWatchLeaseId: undefined,
      },
    });
    assert.deepEqual(d.statuses, ["connecting"]);
  });

  test("device info failures back off 1, 2, 4 ... 30 s without any status change", () => {
    const d = new Driver().mark();
    const delays: number[] = [];
    for (let i = 0; i < 7; i++) {
      d.send(ev.infoFailed);
      assert.equal(d.command.kind, "sleep");
      if (d.command.kind === "sleep") delays.push(d.command.delayMs);
      d.send(ev.slept);
      assert.deepEqual(d.command, { kind: "fetchDeviceInfo" });
    }
    assert.deepEqual(
      delays,
      [1, 2, 4, 8, 16, 30, 30].map((x) => x * S),
    );
    assert.deepEqual(d.statuses, []);
  });

  test("a 401 on device info stops for good: shuttingDown then shutdown", () => {
    const d = new Driver().send(ev.info401);
    assert.deepEqual(d.statuses, ["connecting", "shuttingDown", "shutdown"]);
    assert.deepEqual(d.command, { kind: "exit", reason: "unauthorized" });
  });

  test("a 404 on device info (wrong URL) stops instead of retrying forever", () => {
    const d = new Driver().send({ kind: "deviceInfoFailed", unauthorized: false, notFound: true });
    assert.deepEqual(d.statuses, ["connecting", "shuttingDown", "shutdown"]);
    assert.deepEqual(d.command, { kind: "exit", reason: "notFound" });
  });

  test("device info is fetched once per lifetime, not per dormant phase", () => {
    const d = inSession().send(ev.sessionEnded, ev.sessionClosed);
    assert.equal(d.command.kind, "connectWatch");
    assert.equal(d.commands.filter((c) => c.kind === "fetchDeviceInfo").length, 1);
  });
});

describe("lifecycle: dormant watch loop (7.3, 7.8)", () => {
  test("hello reports connected and runs the watch", () => {
    const d = dormantConnected();
    assert.deepEqual(d.statuses, ["connecting", "connected"]);
    assert.deepEqual(d.command, { kind: "runWatch" });
  });

  test("a failed connect at start sleeps without re-reporting connecting", () => {
    const d = new Driver().send(ev.info, ev.connectFailed("api"));
    assert.deepEqual(d.statuses, ["connecting"]);
    assert.deepEqual(d.command, { kind: "sleep", delayMs: 1 * S });
    d.send(ev.slept);
    assert.equal(d.command.kind, "connectWatch");
  });

  test("5xx connect failures back off 1, 2, 4 ... 30 s, reset by a hello", () => {
    const d = new Driver().send(ev.info);
    const delays: number[] = [];
    for (let i = 0; i < 7; i++) {
      d.send(ev.connectFailed("api"));
      if (d.command.kind === "sleep") delays.push(d.command.delayMs);
      d.send(ev.slept);
    }
    assert.deepEqual(
      delays,
      [1, 2, 4, 8, 16, 30, 30].map((x) => x * S),
    );
    d.send(ev.connected(), ev.ended({ kind: "streamEnded" }), ev.connectFailed("api"));
    assert.deepEqual(d.command, { kind: "sleep", delayMs: 1 * S });
  });

  test("409 waits the fixed lease-conflict delay; non-SSE the fixed maintenance delay", () => {
    const d = new Driver().send(ev.info, ev.connectFailed("conflict"));
    assert.deepEqual(d.command, { kind: "sleep", delayMs: 30 * S });
    d.send(ev.slept, ev.connectFailed("unexpectedContentType"));
    assert.deepEqual(d.command, { kind: "sleep", delayMs: 30 * S });
  });

  test("a 401 on the watch stops for good", () => {
    const d = new Driver().send(ev.info, ev.connectFailed("unauthorized"));
    assert.deepEqual(d.statuses, ["connecting", "shuttingDown", "shutdown"]);
    assert.deepEqual(d.command, { kind: "exit", reason: "unauthorized" });
  });

  test("a connect failure after a healthy watch reports connecting", () => {
    const d = dormantConnected()
      .send(ev.ended({ kind: "readTimeout" }))
      .mark();
    d.send(ev.connectFailed("transport"));
    assert.deepEqual(d.statuses, ["connecting"]);
    d.send(ev.slept, ev.connected("rwl_2"));
    assert.deepEqual(d.statuses, ["connecting", "connected"]);
  });

  for (const outcome of [
    { kind: "readTimeout" },
    { kind: "streamEnded" },
    { kind: "heartbeatLost", exit: "failed" },
  ] as const) {
    test(`${outcome.kind}${"exit" in outcome ? `(${outcome.exit})` : ""} reconnects at once carrying the lease, still connected`, () => {
      const d = dormantConnected().mark().send(ev.ended(outcome));
      assert.deepEqual(d.statuses, []);
      assert.equal(d.status, "connected");
      assert.deepEqual(d.command, {
        kind: "connectWatch",
        query: {
          protocolVersion: "2.2.0",
          remoteAccessSessionId: undefined,
          previousWatchLeaseId: "rwl_1",
        },
      });
    });
  }

  test("the carried lease is dropped once the next hello arrives", () => {
    const d = dormantConnected().send(ev.ended({ kind: "streamEnded" }), ev.connected("rwl_2"));
    d.send(ev.ended({ kind: "heartbeatLost", exit: "gone" }));
    assert.equal(leaseOf(d), undefined);
  });

  test("the lease survives failed connects until a hello", () => {
    const d = dormantConnected().send(
      ev.ended({ kind: "readTimeout" }),
      ev.connectFailed("api"),
      ev.slept,
    );
    assert.equal(leaseOf(d), "rwl_1");
  });

  test("heartbeat gone reconnects at once without the lease", () => {
    const d = dormantConnected()
      .mark()
      .send(ev.ended({ kind: "heartbeatLost", exit: "gone" }));
    assert.deepEqual(d.statuses, []);
    assert.equal(leaseOf(d), undefined);
  });

  test("heartbeat conflict reports connecting and waits 30 s, then connects without the lease", () => {
    const d = dormantConnected()
      .mark()
      .send(ev.ended({ kind: "heartbeatLost", exit: "conflict" }));
    assert.deepEqual(d.statuses, ["connecting"]);
    assert.deepEqual(d.command, { kind: "sleep", delayMs: 30 * S });
    d.send(ev.slept);
    assert.equal(leaseOf(d), undefined);
  });

  test("a short-lived stream error reports connecting and backs off with the lease", () => {
    const err: WatchOutcome = { kind: "streamError", error: new WatchError("transport", "x") };
    const d = dormantConnected().mark().send(ev.ended(err, 10));
    assert.deepEqual(d.statuses, ["connecting"]);
    assert.deepEqual(d.command, { kind: "sleep", delayMs: 1 * S });
    d.send(ev.slept);
    assert.equal(leaseOf(d), "rwl_1");
  });

  test("a stream error after a healthy run reconnects at once, still connected", () => {
    const err: WatchOutcome = { kind: "streamError", error: new WatchError("transport", "x") };
    const d = dormantConnected()
      .mark()
      .send(ev.ended(err, 5 * S));
    assert.deepEqual(d.statuses, []);
    assert.equal(d.command.kind, "connectWatch");
  });

  test("heartbeat unauthorized stops for good", () => {
    const d = dormantConnected()
      .mark()
      .send(ev.ended({ kind: "heartbeatLost", exit: "unauthorized" }));
    assert.deepEqual(d.statuses, ["shuttingDown", "shutdown"]);
    assert.deepEqual(d.command, { kind: "exit", reason: "unauthorized" });
  });

  test("heartbeat cancelled starts a fresh dormant phase without stopping", () => {
    const d = dormantConnected()
      .send(
        ev.ended({ kind: "readTimeout" }),
        ev.connectFailed("api"),
        ev.slept,
        ev.connected("rwl_2"),
      )
      .mark()
      .send(ev.ended({ kind: "heartbeatLost", exit: "cancelled" }));
    assert.deepEqual(d.statuses, []);
    assert.deepEqual(d.command, {
      kind: "connectWatch",
      query: {
        protocolVersion: "2.2.0",
        remoteAccessSessionId: undefined,
        previousWatchLeaseId: undefined,
      },
    });
    assert.equal(d.state.retry.backoffMs, 1 * S);
  });
});

describe("lifecycle: wake, join and session (7.4 to 7.6)", () => {
  test("a wake joins the room with its credentials, status unchanged", () => {
    const d = dormantConnected().mark().send(ev.ended(wakeOutcome()));
    assert.deepEqual(d.statuses, []);
    assert.deepEqual(d.command, {
      kind: "joinRoom",
      wake: WAKE,
      remoteAccessSessionId: "ras_1",
      deviceInfo: DEVICE,
    });
  });

  test("a joined room runs with the viewer wait of the hello that delivered the wake", () => {
    const d = new Driver().send(ev.info, {
      kind: "watchConnected",
      hello: { ...hello(), deviceWaitForViewerMs: 7 * S },
    });
    d.send(ev.ended(wakeOutcome()), ev.joined);
    assert.deepEqual(d.command, { kind: "runSession", idleTimeoutMs: 7 * S });
    assert.equal(d.status, "connected");
  });

  test("a session that ends normally stays connected and returns to dormant with the session ID", () => {
    const d = inSession().mark().send(ev.sessionEnded);
    assert.deepEqual(d.command, { kind: "closeSession" });
    d.send(ev.sessionClosed);
    assert.deepEqual(d.statuses, []);
    assert.deepEqual(d.command, {
      kind: "connectWatch",
      query: {
        protocolVersion: "2.2.0",
        remoteAccessSessionId: "ras_1",
        previousWatchLeaseId: undefined,
      },
    });
  });

  test("the first session ID is kept for life; a different one is reported and ignored", () => {
    const d = inSession().send(ev.sessionEnded, ev.sessionClosed, ev.connected("rwl_2"));
    d.send(ev.ended(wakeOutcome({ ...WAKE, remoteAccessSessionId: "ras_other" })));
    assert.equal(joinSessionOf(d), "ras_1");
    assert.deepEqual(d.conflicts, [{ kept: "ras_1", ignored: "ras_other" }]);
  });

  test("a wake without a session ID leaves it unset until one arrives", () => {
    const d = dormantConnected().send(
      ev.ended(wakeOutcome({ ...WAKE, remoteAccessSessionId: undefined })),
    );
    assert.equal(joinSessionOf(d), undefined);
    d.send(ev.joined, ev.sessionEnded, ev.sessionClosed);
    assert.equal(watchSessionOf(d), undefined);
    d.send(ev.connected(), ev.ended(wakeOutcome({ ...WAKE, remoteAccessSessionId: "ras_late" })));
    assert.equal(joinSessionOf(d), "ras_late");
    assert.deepEqual(d.conflicts, []);
  });

  test("a failed join reports connecting and backs off 1, 2, 4 s before the next dormant phase", () => {
    const d = dormantConnected().mark();
    const delays: number[] = [];
    for (let i = 0; i < 3; i++) {
      d.send(ev.ended(wakeOutcome()), ev.joinFailed);
      if (d.command.kind === "sleep") delays.push(d.command.delayMs);
      d.send(ev.slept);
      assert.equal(d.command.kind, "connectWatch");
      d.send(ev.connected());
    }
    assert.deepEqual(delays, [1 * S, 2 * S, 4 * S]);
    assert.deepEqual(d.statuses, [
      "connecting",
      "connected",
      "connecting",
      "connected",
      "connecting",
      "connected",
    ]);
  });

  test("a successful join resets the join backoff", () => {
    const d = dormantConnected().send(
      ev.ended(wakeOutcome()),
      ev.joinFailed,
      ev.slept,
      ev.connected(),
    );
    d.send(ev.ended(wakeOutcome()), ev.joined, ev.sessionEnded, ev.sessionClosed, ev.connected());
    d.send(ev.ended(wakeOutcome()), ev.joinFailed);
    assert.deepEqual(d.command, { kind: "sleep", delayMs: 1 * S });
  });

  test("start, wake, session, stop reports exactly connecting, connected, shuttingDown, shutdown", () => {
    const d = inSession().send(ev.cancelled);
    assert.deepEqual(d.command, { kind: "closeSession" });
    d.send(ev.sessionClosed);
    assert.deepEqual(d.statuses, ["connecting", "connected", "shuttingDown", "shutdown"]);
    assert.deepEqual(d.command, { kind: "exit", reason: "stopped" });
  });

  test("shuttingDown is reported before the room teardown starts", () => {
    const d = inSession().mark().send(ev.cancelled);
    assert.deepEqual(d.statuses, ["shuttingDown"]);
    assert.equal(d.command.kind, "closeSession");
  });

  test("a stop during a normal teardown is honoured once the room is closed", () => {
    const d = inSession().send(ev.sessionEnded, ev.cancelled).mark();
    assert.deepEqual(d.command, { kind: "closeSession" });
    d.send(ev.sessionClosed);
    assert.deepEqual(d.statuses, ["shuttingDown", "shutdown"]);
    assert.equal(d.command.kind, "exit");
  });
});

describe("lifecycle: cancellation in every phase (7.7)", () => {
  const phases: [string, () => Driver][] = [
    ["bootstrap", () => new Driver()],
    ["device-info backoff", () => new Driver().send(ev.infoFailed)],
    ["watch connect", () => new Driver().send(ev.info)],
    ["connect backoff", () => new Driver().send(ev.info, ev.connectFailed("api"))],
    ["dormant run", () => dormantConnected()],
    [
      "watch backoff",
      () => dormantConnected().send(ev.ended({ kind: "heartbeatLost", exit: "conflict" })),
    ],
    ["join", () => dormantConnected().send(ev.ended(wakeOutcome()))],
    ["join backoff", () => dormantConnected().send(ev.ended(wakeOutcome()), ev.joinFailed)],
  ];
  for (const [name, make] of phases) {
    test(`${name}: shuttingDown then shutdown at once`, () => {
      const d = make().mark().send(ev.cancelled);
      assert.deepEqual(d.statuses, ["shuttingDown", "shutdown"]);
      assert.deepEqual(d.command, { kind: "exit", reason: "stopped" });
      assert.equal(d.status, "shutdown");
    });
  }

  test("in session: shuttingDown, teardown, then shutdown", () => {
    const d = inSession().mark().send(ev.cancelled, ev.sessionClosed);
    assert.deepEqual(d.statuses, ["shuttingDown", "shutdown"]);
    assert.deepEqual(
      d.commands.map((c) => c.kind),
      ["closeSession", "exit"],
    );
  });

  test("nothing may follow exit", () => {
    const d = new Driver().send(ev.cancelled);
    assert.throws(() => d.send(ev.cancelled));
    assert.throws(() => d.send(ev.slept));
  });
});

describe("lifecycle: shell contract", () => {
  test("an event that does not answer the awaited command is a bug and throws", () => {
    assert.throws(() => new Driver().send(ev.slept), /does not answer fetchDeviceInfo/);
    assert.throws(() => dormantConnected().send(ev.joined), /does not answer runWatch/);
  });

  test("the state is never mutated in place", () => {
    const d = dormantConnected();
    const before = structuredClone(d.state);
    stepLifecycle(d.state, ev.ended({ kind: "readTimeout" }));
    assert.deepEqual(d.state, before);
  });
});
