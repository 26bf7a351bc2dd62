/**
 * Every delay and limit of the gateway's control plane, in milliseconds. The defaults are the
 * values of the remote access protocol; tests pass smaller ones to run the same logic quickly.
 */
export interface GatewayTimings {
  /** First delay after a transient failure; doubles per consecutive failure. Default 1000. */
  readonly initialBackoffMs: number;
  /** Cap of every doubling backoff (watch, device info, LiveKit join). Default 30 000. */
  readonly maxBackoffMs: number;
  /** Fixed wait after another gateway holds the lease (409). Default 30 000. */
  readonly leaseConflictBackoffMs: number;
  /** Fixed wait after a 2xx answer that is not an event stream (maintenance page). Default 30 000. */
  readonly nonSseBackoffMs: number;
  /** Deadline from opening the watch until its `hello` event. Default 30 000. */
  readonly helloTimeoutMs: number;
  /** Smallest heartbeat interval accepted from `hello`; smaller values are raised. Default 1000. */
  readonly minHeartbeatIntervalMs: number;
  /** Smallest viewer wait accepted from `hello`; smaller values are raised. Default 5000. */
  readonly minDeviceWaitForViewerMs: number;
  /**
   * After this long a room still closing is logged as slow (the close is never cut short, delta
   * 4). Default 5000.
   */
  readonly roomCloseTimeoutMs: number;
}

/** The protocol's timings (see {@link GatewayTimings} for each value). */
export const DEFAULT_GATEWAY_TIMINGS: GatewayTimings = Object.freeze({
  initialBackoffMs: 1_000,
  maxBackoffMs: 30_000,
  leaseConflictBackoffMs: 30_000,
  nonSseBackoffMs: 30_000,
  helloTimeoutMs: 30_000,
  minHeartbeatIntervalMs: 1_000,
  minDeviceWaitForViewerMs: 5_000,
  roomCloseTimeoutMs: 5_000,
});

/** A watch with no complete SSE frame for this many heartbeat intervals is given up. */
export const READ_TIMEOUT_HEARTBEAT_INTERVALS = 2.5;

/** Heartbeats that keep failing for this many intervals since the last success lose the lease. */
export const MAX_MISSED_HEARTBEAT_INTERVALS = 3;

/** Doubles a backoff delay, capped at `maxMs`. */
export function doubleBackoff(delayMs: number, maxMs: number): number {
  return Math.min(delayMs * 2, maxMs);
}
