import type { ServerMessage } from "../protocol/index.js";

/**
 * The hub's key for one viewer connection instance: its process-wide client ID. A replaced or
 * reconnected viewer gets a new key, so stale state can never resolve to its successor.
 */
export type ViewerKey = number;

/**
 * The port through which the {@link ViewerHub} talks to one viewer, implemented by each transport
 * (the LiveKit session's `Participant`, a WebSocket client). The hub knows nothing of bytes,
 * LiveKit identities or WebSocket subscription ids: it hands over typed messages, and the
 * transport encodes them (v2 frames on a control stream; v1 JSON or binary, mapping `channelId`
 * to the client's subscription id at its edge). Lossy channel data does not go through here but
 * through the transport's {@link ViewerMedia}.
 */
export interface ViewerConnection {
  /** Process-wide client ID (from {@link nextClientId}); listener callbacks and the graph see it. */
  readonly clientId: ViewerKey;
  /** A human-readable name for logs and listeners (LiveKit identity, WebSocket peer address). */
  readonly name: string;
  /**
   * Aborted when this connection ends (left, replaced, reset, transport closed). The hub passes
   * it to asynchronous handlers so they can stop work for a viewer that has gone.
   */
  readonly signal: AbortSignal;
  /**
   * Delivers one message reliably and in order. Must not throw and must not block: a transport
   * that cannot keep up handles that itself (the LiveKit session resets the viewer). The hub may
   * pass the same message object to many connections; a transport may cache its encoding.
   */
  send(message: ServerMessage): void;
}

let counter = 0;

/**
 * A new process-wide client ID for a connection instance: 1, 2, 3 … (u32; wraps back to 1 after
 * 2^32 − 1). Listener callbacks and the connection graph identify viewers by it.
 */
export function nextClientId(): number {
  counter = counter >= 0xffff_ffff ? 1 : counter + 1;
  return counter;
}
