import type { ChannelDescriptor } from "../core/ChannelDescriptor.js";
import { FoxgloveError } from "../core/FoxgloveError.js";
import type { Schema } from "../core/Schema.js";
import { ChannelMetadataKey, decodeSchemaText, type AdvertisedChannel } from "../protocol/index.js";

/**
 * A channel the device advertised, as the viewer sees it. It is a {@link ChannelDescriptor}
 * (id, topic, message encoding, schema, metadata) plus how its messages travel.
 */
export interface ViewerChannel extends ChannelDescriptor {
  /** Schema name as advertised (`""` when the channel has no schema). */
  readonly schemaName: string;
  /**
   * True for Reliable channels (metadata `foxglove.reliable` = `"true"`): messages arrive in order
   * on the control stream. Otherwise the channel is Lossy: messages arrive on the LiveKit data
   * track `data-ch-<id>` and may be dropped.
   */
  readonly reliable: boolean;
  /** True when the device can send this channel as video (`foxglove.hasVideoTrack`). */
  readonly hasVideoTrack: boolean;
}

/**
 * Converts an advertised channel into a frozen {@link ViewerChannel}; binary schemas are
 * base64-decoded. Throws FoxgloveError `ERR_DECODE` when the schema text is invalid.
 */
export function toViewerChannel(advertised: AdvertisedChannel): ViewerChannel {
  const metadata = Object.freeze({ ...advertised.metadata });
  let schema: Schema | undefined;
  const schemaEncoding = advertised.schemaEncoding;
  if (schemaEncoding !== undefined && schemaEncoding !== "") {
    let data: Uint8Array;
    try {
      data = decodeSchemaText(schemaEncoding, advertised.schema);
    } catch (cause) {
      throw new FoxgloveError(
        "ERR_DECODE",
        `channel ${advertised.id} (${advertised.topic}) has an invalid ${schemaEncoding} schema`,
        { cause },
      );
    }
    schema = Object.freeze({ name: advertised.schemaName, encoding: schemaEncoding, data });
  }
  return Object.freeze({
    id: advertised.id,
    topic: advertised.topic,
    messageEncoding: advertised.encoding,
    schemaName: advertised.schemaName,
    schema,
    metadata,
    reliable: metadata[ChannelMetadataKey.Reliable] === "true",
    hasVideoTrack: metadata[ChannelMetadataKey.HasVideoTrack] === "true",
  });
}
