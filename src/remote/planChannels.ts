import { log } from "../core/logger.js";
import { encodeSchemaText, messageEncodingRequiresSchema } from "../protocol/index.js";
import type { ChannelDescriptor } from "../core/ChannelDescriptor.js";
import {
  resolvePointCloudCompression,
  type PointCloudCompressionConfig,
  type PointCloudCompressionSetting,
} from "../media/pointcloud/pointCloudCompression.js";
import { videoInputSchema, type VideoInputSchema } from "../media/videoInputSchema.js";

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

/** How the session will handle one advertised channel. */
export interface ChannelPlan {
  readonly channel: ChannelDescriptor;
  /** Delivery: `lossy` gets a data track, `reliable` goes over control streams. */
  readonly reliability: Reliability;
  /** Set when the channel is video-capable and transcoding is not suppressed. */
  readonly videoSchema: VideoInputSchema | undefined;
  /** The schema as advertised (base64 for binary schema encodings, else text; `""` for none). */
  readonly schemaText: string;
  /**
   * Set when the channel's point clouds are compressed for viewers: it is then advertised as
   * `foxglove.CompressedPointCloud` and its messages go through a Draco transcoder.
   */
  readonly compression?: PointCloudCompressionConfig | undefined;
}

/** A channel left out of the advertisement, and why (for an error log). */
export interface SkippedChannel {
  readonly channel: ChannelDescriptor;
  readonly reason: string;
}

/** User hooks consulted by {@link planChannels}; each is optional. */
export interface PlanChannelsOptions {
  /** QoS per channel; default (and on error) Lossy. */
  readonly qosClassifier?: QosClassifier | undefined;
  /** True = advertise a video-capable channel as plain data. A throwing predicate counts as false. */
  readonly suppressVideoTranscode?: ((channel: ChannelDescriptor) => boolean) | undefined;
  /**
   * Point-cloud compression of Lossy point-cloud channels (session.md 8.1): the setting or policy
   * consulted per channel. Default (undefined): no compression (the transport does not offer it).
   */
  readonly pointCloudCompression?: PointCloudCompressionSetting | undefined;
}

/**
 * The advertisement pipeline's decisions for new channels (pure apart from calling the hooks).
 * The channel filter is applied before, by the Context (`Sink.channelFilter`). Skip channels that need a schema but have none or whose text
 * schema is not UTF-8; classify the rest (QoS, video) — video-capable channels are always Lossy.
 */
export function planChannels(
  channels: readonly ChannelDescriptor[],
  options: PlanChannelsOptions = {},
): { accepted: ChannelPlan[]; skipped: SkippedChannel[] } {
  const accepted: ChannelPlan[] = [];
  const skipped: SkippedChannel[] = [];
  for (const channel of channels) {
    const schemaText = advertisedSchemaText(channel);
    if (typeof schemaText !== "string") {
      skipped.push({ channel, reason: schemaText.problem });
      continue;
    }
    let videoSchema = videoInputSchema(channel);
    const suppress = options.suppressVideoTranscode;
    if (
      videoSchema !== undefined &&
      ask("suppressVideoTranscode", suppress, channel, false, false)
    ) {
      videoSchema = undefined;
    }
    let reliability = classify(channel, options.qosClassifier);
    if (videoSchema !== undefined && reliability === "reliable") {
      log.warn(
        `Reliable delivery is not supported for video channel ${channel.topic}; using lossy`,
      );
      reliability = "lossy";
    }
    const compression =
      options.pointCloudCompression === undefined
        ? undefined
        : resolvePointCloudCompression(
            channel,
            reliability === "reliable",
            options.pointCloudCompression,
          );
    accepted.push({ channel, reliability, videoSchema, schemaText, compression });
  }
  return { accepted, skipped };
}

function advertisedSchemaText(channel: ChannelDescriptor): string | { problem: string } {
  const schema = channel.schema;
  if (schema === undefined) {
    return messageEncodingRequiresSchema(channel.messageEncoding)
      ? { problem: `message encoding ${channel.messageEncoding} requires a schema` }
      : "";
  }
  try {
    return encodeSchemaText(schema.encoding, schema.data);
  } catch {
    return { problem: `schema ${schema.name} (${schema.encoding}) is not valid UTF-8` };
  }
}

function classify(channel: ChannelDescriptor, classifier: QosClassifier | undefined): Reliability {
  if (classifier === undefined) {
    return "lossy";
  }
  try {
    return classifier(channel).reliability === "reliable" ? "reliable" : "lossy";
  } catch (error) {
    log.error(`qosClassifier failed for ${channel.topic}; using lossy`, error);
    return "lossy";
  }
}

/** Calls a user predicate; `ifAbsent` when there is none, `ifThrows` (and an error log) on throw. */
function ask(
  what: string,
  predicate: ((channel: ChannelDescriptor) => boolean) | undefined,
  channel: ChannelDescriptor,
  ifAbsent: boolean,
  ifThrows: boolean,
): boolean {
  if (predicate === undefined) {
    return ifAbsent;
  }
  try {
    return predicate(channel);
  } catch (error) {
    log.error(`${what} failed for ${channel.topic}`, error);
    return ifThrows;
  }
}
