import type { ChannelDescriptor } from "../../core/ChannelDescriptor.js";
import type { Status } from "../../protocol/index.js";

/** A viewer as listener callbacks see it. */
export interface SessionClient {
  /** Process-wide client ID of this viewer connection (from 1). */
  readonly id: number;
  /** The viewer's LiveKit identity. */
  readonly identity: string;
  /** Sends a status to this viewer; silently dropped once it has left. */
  sendStatus(status: Omit<Status, "op">): void;
}

/**
 * Callbacks about viewers, all optional (the gateway's listener). They run synchronously inside
 * the session; an exception is caught and logged. They must not call back into the session
 * synchronously in ways that change subscriptions.
 */
export interface SessionListener {
  /** A viewer subscribed to a channel (data or video). */
  onSubscribe?(client: SessionClient, channel: ChannelDescriptor): void;
  /** A viewer unsubscribed, left, or the channel was removed. */
  onUnsubscribe?(client: SessionClient, channel: ChannelDescriptor): void;
  /** A viewer advertised a client channel (client publish). */
  onClientAdvertise?(client: SessionClient, channel: ChannelDescriptor): void;
  /** A viewer unadvertised a client channel, or left. */
  onClientUnadvertise?(client: SessionClient, channel: ChannelDescriptor): void;
  /** A message on a client channel. `payload` is only valid during the call. */
  onMessageData?(client: SessionClient, channel: ChannelDescriptor, payload: Uint8Array): void;
  /** Parameter names that got their first subscriber. */
  onParametersSubscribe?(names: string[]): void;
  /** Parameter names that lost their last subscriber. */
  onParametersUnsubscribe?(names: string[]): void;
}
