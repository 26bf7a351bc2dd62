import type { DeviceInfo, WatchQuery } from "./ApiClient.js";
import type { ConnectionStatus } from "./ConnectionStatus.js";
import {
  initialRetryState,
  onConnectError,
  onConnectSuccess,
  onWatchEnd,
  type WatchRetryState,
} from "./retryPolicy.js";
import { doubleBackoff, type GatewayTimings } from "./timings.js";
import type { WatchErrorKind } from "./WatchError.js";
import type { WakeEvent, WatchHello, WatchOutcome } from "./WatchOutcome.js";

/** The remote access protocol version this gateway speaks (sent on every watch). */
export const REMOTE_ACCESS_PROTOCOL_VERSION = "2.2.0";

/**
 * Why a gateway ended: `stop()`/its signal, the API rejected the device token (401), or the
 * device-info endpoint does not exist at the configured URL (404: a wrong URL is not retried).
 */
export type GatewayStopReason = "stopped" | "unauthorized" | "notFound";

/**
 * The one piece of I/O the shell must do next; it answers with a {@link LifecycleEvent}:
 * - `fetchDeviceInfo` → `deviceInfoFetched` | `deviceInfoFailed`;
 * - `connectWatch` → `watchConnected` | `watchConnectFailed`;
 * - `runWatch` → `watchEnded`;
 * - `sleep` → `slept`;
 * - `joinRoom` → `joined` | `joinFailed`;
 * - `runSession` → `sessionEnded`;
 * - `closeSession` → `sessionClosed` (not cancellable);
 * - `exit`: the run is over.
 * Every command but `closeSession` and `exit` may instead be answered with `cancelled`.
 */
export type LifecycleCommand =
  | { readonly kind: "fetchDeviceInfo" }
  | { readonly kind: "connectWatch"; readonly query: WatchQuery }
  | { readonly kind: "runWatch" }
  | { readonly kind: "sleep"; readonly delayMs: number }
  | {
      readonly kind: "joinRoom";
      readonly wake: WakeEvent;
      readonly remoteAccessSessionId: string | undefined;
      readonly deviceInfo: DeviceInfo;
    }
  | { readonly kind: "runSession"; readonly idleTimeoutMs: number }
  | { readonly kind: "closeSession" }
  | { readonly kind: "exit"; readonly reason: GatewayStopReason };

/** What the shell observed while carrying out the last command. */
export type LifecycleEvent =
  | { readonly kind: "deviceInfoFetched"; readonly deviceInfo: DeviceInfo }
  | {
      readonly kind: "deviceInfoFailed";
      readonly unauthorized: boolean;
      /** The endpoint answered 404: the URL is wrong; the gateway stops (`notFound`). */
      readonly notFound?: boolean;
    }
  | { readonly kind: "watchConnected"; readonly hello: WatchHello }
  | { readonly kind: "watchConnectFailed"; readonly error: WatchErrorKind }
  | { readonly kind: "watchEnded"; readonly outcome: WatchOutcome; readonly durationMs: number }
  | { readonly kind: "slept" }
  | { readonly kind: "joined" }
  | { readonly kind: "joinFailed" }
  | { readonly kind: "sessionEnded" }
  | { readonly kind: "sessionClosed" }
  | { readonly kind: "cancelled" };

/** The lifecycle's memory. Treat as opaque outside this module and its tests. */
export interface LifecycleState {
  readonly timings: GatewayTimings;
  readonly status: ConnectionStatus;
  /** The kind of command awaiting its answer. */
  readonly awaiting: LifecycleCommand["kind"];
  /** Fetched once per gateway lifetime. */
  readonly deviceInfo: DeviceInfo | undefined;
  readonly deviceInfoBackoffMs: number;
  /** Delay before the next dormant phase after a failed join (a deviation from the reference). */
  readonly joinBackoffMs: number;
  /** Watch retry state of the current dormant phase. */
  readonly retry: WatchRetryState;
  /** Fixed by the first wake that carried one, for the gateway's lifetime. */
  readonly remoteAccessSessionId: string | undefined;
  /** The hello of the current (or last) watch. */
  readonly hello: WatchHello | undefined;
  /** What follows the pending sleep. */
  readonly afterSleep: "fetchDeviceInfo" | "connectWatch" | "dormant";
  readonly cancelled: boolean;
}

/** One transition: the new state, the statuses to report in order, and the next command. */
export interface LifecycleStep {
  readonly state: LifecycleState;
  readonly statuses: readonly ConnectionStatus[];
  readonly command: LifecycleCommand;
  /** Set when a wake named a session other than the fixed one (the first one is kept). */
  readonly sessionIdConflict?: { readonly kept: string; readonly ignored: string };
}

/** The first step of a gateway's run: report `connecting` (always) and start the bootstrap. */
export function startLifecycle(timings: GatewayTimings): LifecycleStep {
  const state: LifecycleState = {
    timings,
    status: "connecting",
    awaiting: "fetchDeviceInfo",
    deviceInfo: undefined,
    deviceInfoBackoffMs: timings.initialBackoffMs,
    joinBackoffMs: timings.initialBackoffMs,
    retry: initialRetryState(timings),
    remoteAccessSessionId: undefined,
    hello: undefined,
    afterSleep: "fetchDeviceInfo",
    cancelled: false,
  };
  return { state, statuses: ["connecting"], command: { kind: "fetchDeviceInfo" } };
}

/**
 * Advances the lifecycle by one event (sections 7.1 to 7.8 of the gateway spec). Pure. Throws
 * `Error` when the event does not answer the awaited command (a bug in the shell).
 */
export function stepLifecycle(state: LifecycleState, event: LifecycleEvent): LifecycleStep {
  if (event.kind === "cancelled") {
    return onCancelled(state);
  }
  expect(state, event);
  const t = state.timings;
  switch (event.kind) {
    case "deviceInfoFetched":
      return connectWatch({
        ...state,
        deviceInfo: event.deviceInfo,
        deviceInfoBackoffMs: t.initialBackoffMs,
      });
    case "deviceInfoFailed":
      if (event.unauthorized) {
        return exit(state, "unauthorized");
      }
      if (event.notFound === true) {
        return exit(state, "notFound");
      }
      return sleep(
        {
          ...state,
          deviceInfoBackoffMs: doubleBackoff(state.deviceInfoBackoffMs, t.maxBackoffMs),
        },
        state.deviceInfoBackoffMs,
        "fetchDeviceInfo",
      );
    case "watchConnected":
      return next(
        { ...state, retry: onConnectSuccess(state.retry), hello: event.hello },
        "connected",
        { kind: "runWatch" },
      );
    case "watchConnectFailed": {
      const d = onConnectError(state.retry, event.error, t);
      switch (d.action.kind) {
        case "stopUnauthorized":
          return exit({ ...state, retry: d.state }, "unauthorized");
        case "retryAfter":
          return sleep(
            { ...state, retry: d.state, status: "connecting" },
            d.action.delayMs,
            "connectWatch",
            [...changed(state, "connecting")],
          );
      }
      break;
    }
    case "watchEnded":
      return onWatchEnded(state, event.outcome, event.durationMs);
    case "slept":
      switch (state.afterSleep) {
        case "fetchDeviceInfo":
          return next(state, state.status, { kind: "fetchDeviceInfo" });
        case "connectWatch":
          return connectWatch(state);
        case "dormant":
          return dormant(state);
      }
      break;
    case "joined":
      return next({ ...state, joinBackoffMs: t.initialBackoffMs }, state.status, {
        kind: "runSession",
        idleTimeoutMs: state.hello?.deviceWaitForViewerMs ?? t.minDeviceWaitForViewerMs,
      });
    case "joinFailed":
      // Deviation: back off before the next dormant phase so bad wake credentials cannot make
      // the gateway loop as fast as the API answers.
      return sleep(
        {
          ...state,
          status: "connecting",
          joinBackoffMs: doubleBackoff(state.joinBackoffMs, t.maxBackoffMs),
        },
        state.joinBackoffMs,
        "dormant",
        changed(state, "connecting"),
      );
    case "sessionEnded":
      return next(state, state.status, { kind: "closeSession" });
    case "sessionClosed":
      return state.cancelled ? exit(state, "stopped") : dormant(state);
  }
  throw new Error(`lifecycle: unhandled event ${event.kind}`);
}

const ANSWERS: Record<LifecycleCommand["kind"], readonly LifecycleEvent["kind"][]> = {
  fetchDeviceInfo: ["deviceInfoFetched", "deviceInfoFailed"],
  connectWatch: ["watchConnected", "watchConnectFailed"],
  runWatch: ["watchEnded"],
  sleep: ["slept"],
  joinRoom: ["joined", "joinFailed"],
  runSession: ["sessionEnded"],
  closeSession: ["sessionClosed"],
  exit: [],
};

function expect(state: LifecycleState, event: LifecycleEvent): void {
  if (!ANSWERS[state.awaiting].includes(event.kind)) {
    throw new Error(`lifecycle: ${event.kind} does not answer ${state.awaiting}`);
  }
}

function onWatchEnded(
  state: LifecycleState,
  outcome: WatchOutcome,
  durationMs: number,
): LifecycleStep {
  const t = state.timings;
  const hello = state.hello;
  if (hello === undefined) {
    throw new Error("lifecycle: a watch ended without a hello");
  }
  const d = onWatchEnd(
    state.retry,
    {
      outcome,
      leaseId: hello.watchLeaseId,
      durationMs,
      heartbeatIntervalMs: hello.heartbeatIntervalMs,
    },
    t,
  );
  const s = { ...state, retry: d.state };
  switch (d.action.kind) {
    case "wake":
      return wake(s, d.action.wake);
    case "reconnect":
      return connectWatch(s);
    case "backoff":
      return sleep(
        { ...s, status: "connecting" },
        d.action.delayMs,
        "connectWatch",
        changed(s, "connecting"),
      );
    case "stopUnauthorized":
      return exit(s, "unauthorized");
    case "stop":
      return dormant(s);
  }
}

function wake(state: LifecycleState, w: WakeEvent): LifecycleStep {
  const deviceInfo = state.deviceInfo;
  if (deviceInfo === undefined) {
    throw new Error("lifecycle: a wake before device info");
  }
  const fixed = state.remoteAccessSessionId;
  const offered = w.remoteAccessSessionId;
  const sessionId = fixed ?? offered;
  const step = next({ ...state, remoteAccessSessionId: sessionId }, state.status, {
    kind: "joinRoom",
    wake: w,
    remoteAccessSessionId: sessionId,
    deviceInfo,
  });
  return fixed !== undefined && offered !== undefined && offered !== fixed
    ? { ...step, sessionIdConflict: { kept: fixed, ignored: offered } }
    : step;
}

function onCancelled(state: LifecycleState): LifecycleStep {
  switch (state.awaiting) {
    case "runSession":
      // Report the shutdown before the (bounded) teardown of the room.
      return next({ ...state, cancelled: true }, "shuttingDown", {
        kind: "closeSession",
      });
    case "closeSession":
      // Teardown is not cancellable; remember the stop for when it is done.
      return next({ ...state, cancelled: true }, state.status, { kind: "closeSession" });
    case "exit":
      throw new Error("lifecycle: cancelled after exit");
    case "fetchDeviceInfo":
    case "connectWatch":
    case "runWatch":
    case "sleep":
    case "joinRoom":
      return exit({ ...state, cancelled: true }, "stopped");
  }
}

/** Starts a dormant phase: fresh retry state; device info only if not cached yet. */
function dormant(state: LifecycleState): LifecycleStep {
  const s = { ...state, retry: initialRetryState(state.timings), hello: undefined };
  return s.deviceInfo === undefined
    ? next(s, s.status, { kind: "fetchDeviceInfo" })
    : connectWatch(s);
}

function connectWatch(state: LifecycleState): LifecycleStep {
  return next(state, state.status, {
    kind: "connectWatch",
    query: {
      protocolVersion: REMOTE_ACCESS_PROTOCOL_VERSION,
      remoteAccessSessionId: state.remoteAccessSessionId,
      previousWatchLeaseId: state.retry.previousLeaseId,
    },
  });
}

function sleep(
  state: LifecycleState,
  delayMs: number,
  then: LifecycleState["afterSleep"],
  statuses: readonly ConnectionStatus[] = [],
): LifecycleStep {
  return {
    state: { ...state, awaiting: "sleep", afterSleep: then },
    statuses,
    command: { kind: "sleep", delayMs },
  };
}

function exit(state: LifecycleState, reason: GatewayStopReason): LifecycleStep {
  return {
    state: { ...state, status: "shutdown", awaiting: "exit" },
    statuses: [...changed(state, "shuttingDown"), "shutdown"],
    command: { kind: "exit", reason },
  };
}

function next(
  state: LifecycleState,
  status: ConnectionStatus,
  command: LifecycleCommand,
): LifecycleStep {
  return {
    state: { ...state, status, awaiting: command.kind },
    statuses: changed(state, status),
    command,
  };
}

/** `[to]` when it differs from the current status, else nothing (only changes are reported). */
function changed(state: LifecycleState, to: ConnectionStatus): ConnectionStatus[] {
  return state.status === to ? [] : [to];
}
