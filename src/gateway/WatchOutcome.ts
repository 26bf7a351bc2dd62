import type { WatchError } from "./WatchError.js";

/** The `hello` event of a watch, after clamping (durations in milliseconds). */
export interface WatchHello {
  /** The lease the server created for this watch stream. */
  readonly watchLeaseId: string;
  /** How long a session may run with no viewer before the gateway returns to dormant. */
  readonly deviceWaitForViewerMs: number;
  /** How often the gateway posts heartbeats for the lease. */
  readonly heartbeatIntervalMs: number;
}

/** The `wake` event of a watch: where and how to join the LiveKit room. Holds a secret token. */
export interface WakeEvent {
  /** The remote access session ID (`ras_...`), when the server sent one. */
  readonly remoteAccessSessionId: string | undefined;
  /** The LiveKit server URL. */
  readonly url: string;
  /** The LiveKit access token for this device. Secret: never log it. */
  readonly token: string;
}

/**
 * Why the heartbeat task ended: the lease is held by another gateway (`conflict`, 409), is gone
 * (`gone`, 410), the token was rejected (`unauthorized`, 401), posts kept failing (`failed`), or
 * the task ended without a reason (`cancelled`, a bug guard).
 */
export type HeartbeatExit = "conflict" | "gone" | "unauthorized" | "failed" | "cancelled";

/** How a connected watch ended. */
export type WatchOutcome =
  | { readonly kind: "wake"; readonly wake: WakeEvent }
  | { readonly kind: "readTimeout" }
  | { readonly kind: "streamEnded" }
  | { readonly kind: "streamError"; readonly error: WatchError }
  | { readonly kind: "heartbeatLost"; readonly exit: HeartbeatExit };
