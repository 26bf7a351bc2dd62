import type { ChannelDescriptor } from "../core/ChannelDescriptor.js";

/** A status shown to viewers (`id` lets a later `removeStatus` retract it). */
export interface ViewerStatus {
  readonly level: "info" | "warning" | "error";
  readonly message: string;
  readonly id?: string | undefined;
}

/** A viewer as listener callbacks and handlers see it. */
export interface ViewerClient {
  /** Process-wide client ID of this viewer connection (from 1); the connection graph uses it. */
  readonly id: number;
  /** The viewer's name from its transport (the LiveKit identity over remote access). */
  readonly identity: string;
  /** Sends a status to this viewer; silently dropped once it has left. */
  sendStatus(status: ViewerStatus): void;
}

/**
 * Callbacks about viewers, all optional. They run synchronously inside the hub; an exception is
 * caught and logged. They must not call back into the hub synchronously in ways that change
 * subscriptions.
 */
export interface ViewerListener {
  /** A viewer subscribed to a channel (data or video). */
  onSubscribe?(client: ViewerClient, channel: ChannelDescriptor): void;
  /** A viewer unsubscribed, left, or the channel was removed. */
  onUnsubscribe?(client: ViewerClient, channel: ChannelDescriptor): void;
  /** A viewer advertised a client channel (client publish). */
  onClientAdvertise?(client: ViewerClient, channel: ChannelDescriptor): void;
  /** A viewer unadvertised a client channel, or left. */
  onClientUnadvertise?(client: ViewerClient, channel: ChannelDescriptor): void;
  /** A message on a client channel. `payload` is only valid during the call. */
  onMessageData?(client: ViewerClient, channel: ChannelDescriptor, payload: Uint8Array): void;
  /** Parameter names that got their first subscriber. */
  onParametersSubscribe?(names: string[]): void;
  /** Parameter names that lost their last subscriber. */
  onParametersUnsubscribe?(names: string[]): void;
  /**
   * The connection graph got its first subscriber (after it was sent the current graph; a graph
   * published from here reaches it as a diff).
   */
  onConnectionGraphSubscribe?(): void;
  /** The connection graph lost its last subscriber (it left, or the transport closed). */
  onConnectionGraphUnsubscribe?(): void;
}

/** Wire level of a {@link ViewerStatus}. */
export const STATUS_LEVELS = { info: 0, warning: 1, error: 2 } as const;

/** Calls the listener, catching and logging what it throws (the hub's, handed to its features). */
export type NotifyListener = (what: string, call: (listener: ViewerListener) => void) => void;
