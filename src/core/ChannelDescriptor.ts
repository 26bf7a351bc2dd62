import type { Schema } from "./Schema.js";

/** A channel's id: process-wide, assigned from 1 in creation order, never reused. */
export type ChannelId = number;

/** What a sink knows about a channel: its id, topic, encoding, schema and metadata. */
export interface ChannelDescriptor {
  /** Process-wide unique id, from 1. */
  readonly id: ChannelId;
  /** The topic name, e.g. `/camera/front`. */
  readonly topic: string;
  /** How each message is encoded, e.g. `json`, `protobuf`, `ros2msg`, `cdr`. */
  readonly messageEncoding: string;
  /** The schema of the messages, if the encoding has one. */
  readonly schema: Schema | undefined;
  /** Free-form key/value strings attached to the channel (frozen). */
  readonly metadata: Readonly<Record<string, string>>;
}
