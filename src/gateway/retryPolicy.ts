import { DEFAULT_GATEWAY_TIMINGS, doubleBackoff, type GatewayTimings } from "./timings.js";
import type { WatchErrorKind } from "./WatchError.js";
import type { WakeEvent, WatchOutcome } from "./WatchOutcome.js";

/** The timings the retry policy reads. */
export type RetryTimings = Pick<
  GatewayTimings,
  "initialBackoffMs" | "maxBackoffMs" | "leaseConflictBackoffMs" | "nonSseBackoffMs"
>;

/** What the dormant watch loop remembers between attempts. Lives for one dormant phase. */
export interface WatchRetryState {
  /** The lease to name as `previousWatchLeaseId` on the next connect, if any. */
  readonly previousLeaseId: string | undefined;
  /** Delay of the next transient retry, in milliseconds. */
  readonly backoffMs: number;
}

/** What to do after a failed connect: stop for good (401) or wait `delayMs` and try again. */
export type ConnectAction =
  { readonly kind: "stopUnauthorized" } | { readonly kind: "retryAfter"; readonly delayMs: number };

/**
 * What to do after a connected watch ended:
 * - `wake`: leave the watch loop and join the room;
 * - `reconnect`: connect again at once, status unchanged;
 * - `backoff`: report `connecting`, wait `delayMs`, then connect again;
 * - `stopUnauthorized`: stop the gateway for good;
 * - `stop`: leave this dormant phase without stopping (the outer loop starts a fresh one).
 */
export type WatchAction =
  | { readonly kind: "wake"; readonly wake: WakeEvent }
  | { readonly kind: "reconnect" }
  | { readonly kind: "backoff"; readonly delayMs: number }
  | { readonly kind: "stopUnauthorized" }
  | { readonly kind: "stop" };

/** A decision: the state to carry on with and what the shell must do. */
export interface Decision<A> {
  readonly state: WatchRetryState;
  readonly action: A;
}

/** The state at the start of every dormant phase: no lease to carry, backoff at its start. */
export function initialRetryState(
  timings: RetryTimings = DEFAULT_GATEWAY_TIMINGS,
): WatchRetryState {
  return { previousLeaseId: undefined, backoffMs: timings.initialBackoffMs };
}

/**
 * After a `hello`: the old lease has been replaced. Deviation from the reference: the transient
 * backoff is kept, and starts over only once a watch proves healthy by running one heartbeat
 * interval (see {@link onWatchEnd}); otherwise an API that ends every watch right after `hello`
 * would be polled as fast as it answers.
 */
export function onConnectSuccess(state: WatchRetryState): WatchRetryState {
  return { ...state, previousLeaseId: undefined };
}

/** Classifies a failed connect (decision table 6.2). */
export function onConnectError(
  state: WatchRetryState,
  error: WatchErrorKind,
  timings: RetryTimings = DEFAULT_GATEWAY_TIMINGS,
): Decision<ConnectAction> {
  switch (error) {
    case "unauthorized":
      return { state, action: { kind: "stopUnauthorized" } };
    case "conflict":
      // Someone else owns the device: our old lease means nothing now.
      return {
        state: { ...state, previousLeaseId: undefined },
        action: { kind: "retryAfter", delayMs: timings.leaseConflictBackoffMs },
      };
    case "unexpectedContentType":
      return { state, action: { kind: "retryAfter", delayMs: timings.nonSseBackoffMs } };
    case "api":
    case "transport":
    case "unexpectedEof":
    case "helloTimeout":
    case "malformedEvent":
      return {
        state: { ...state, backoffMs: doubleBackoff(state.backoffMs, timings.maxBackoffMs) },
        action: { kind: "retryAfter", delayMs: state.backoffMs },
      };
  }
}

/** What ended a connected watch, with the facts the policy weighs. */
export interface WatchEnd {
  readonly outcome: WatchOutcome;
  /** The lease of the watch that ended. */
  readonly leaseId: string;
  /** How long the watch ran, in milliseconds. */
  readonly durationMs: number;
  /** The (clamped) heartbeat interval of that watch, in milliseconds. */
  readonly heartbeatIntervalMs: number;
}

/**
 * Classifies the end of a connected watch (decision table 6.3). Deviation from the reference: any
 * watch that ends before one heartbeat interval, cleanly or not, counts as a failure and waits the
 * transient backoff (doubling); a watch that ran at least that long reconnects at once and starts
 * the backoff over. This bounds the request rate whatever the API (or a proxy) does.
 */
export function onWatchEnd(
  state: WatchRetryState,
  end: WatchEnd,
  timings: RetryTimings = DEFAULT_GATEWAY_TIMINGS,
): Decision<WatchAction> {
  const { outcome, leaseId } = end;
  switch (outcome.kind) {
    case "wake":
      return { state, action: { kind: "wake", wake: outcome.wake } };
    case "readTimeout":
    case "streamEnded":
    case "streamError":
      // A closed, idled-out or dropped stream: come back, at once only if the watch was healthy.
      return comeBack(state, end, leaseId, timings);
    case "heartbeatLost":
      switch (outcome.exit) {
        case "conflict":
          return {
            state: { ...state, previousLeaseId: undefined },
            action: { kind: "backoff", delayMs: timings.leaseConflictBackoffMs },
          };
        case "gone":
          return comeBack(state, end, undefined, timings);
        case "unauthorized":
          return { state, action: { kind: "stopUnauthorized" } };
        case "failed":
          // The lease may still be valid on the server: carry it.
          return comeBack(state, end, leaseId, timings);
        case "cancelled":
          return { state, action: { kind: "stop" } };
      }
  }
}

/** Reconnect at once after a healthy watch (D >= H, backoff reset), else back off and double. */
function comeBack(
  state: WatchRetryState,
  end: WatchEnd,
  previousLeaseId: string | undefined,
  timings: RetryTimings,
): Decision<WatchAction> {
  if (end.durationMs >= end.heartbeatIntervalMs) {
    return {
      state: { previousLeaseId, backoffMs: timings.initialBackoffMs },
      action: { kind: "reconnect" },
    };
  }
  return {
    state: { previousLeaseId, backoffMs: doubleBackoff(state.backoffMs, timings.maxBackoffMs) },
    action: { kind: "backoff", delayMs: state.backoffMs },
  };
}
