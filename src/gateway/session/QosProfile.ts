import type { ChannelDescriptor } from "../../core/ChannelDescriptor.js";

/**
 * Delivery of a channel's messages to viewers: `lossy` (default) = a LiveKit data track, unordered,
 * may drop, size-capped; `reliable` = MessageData on each subscriber's ordered control stream.
 */
export type Reliability = "lossy" | "reliable";

/** A channel's quality of service, chosen once per channel when it is advertised. */
export interface QosProfile {
  readonly reliability: Reliability;
}

/** Chooses the QoS of a channel (called once per channel at advertise time). */
export type QosClassifier = (channel: ChannelDescriptor) => QosProfile;
