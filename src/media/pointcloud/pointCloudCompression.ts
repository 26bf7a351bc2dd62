import type { ChannelDescriptor } from "../../core/ChannelDescriptor.js";
import { log } from "../../core/logger.js";
import type { AdvertisedChannel } from "../../protocol/ServerJsonMessage.js";
import { encodeBase64 } from "../../protocol/base64.js";
import { ChannelMetadataKey } from "../../protocol/wireNames.js";
import { descriptorSet } from "../../messages/descriptorSet.js";
import { resolveDracoOptions, type DracoEncodeOptions } from "./encodeDraco.js";
import { pointCloudInputFormat, type PointCloudInputFormat } from "./pointCloudInputFormat.js";

/**
 * Per-channel choice of point-cloud compression (delta 3.3, an opt-out model): return options to
 * compress with them, `true` for the defaults, `false`/`undefined`/`null` to deliver the channel
 * unmodified. Called once per compressible Lossy channel when it is advertised; an exception is
 * logged and the defaults apply.
 */
export type PointCloudCompressionPolicy = (
  channel: ChannelDescriptor,
) => DracoEncodeOptions | boolean | null | undefined;

/**
 * The `pointCloudCompression` setting: `true` (default) compresses every compressible Lossy
 * channel with the defaults, `false` none, options apply to all, a policy decides per channel.
 */
export type PointCloudCompressionSetting =
  boolean | DracoEncodeOptions | PointCloudCompressionPolicy;

/** How one channel is compressed. */
export interface PointCloudCompressionConfig {
  readonly format: PointCloudInputFormat;
  readonly options: Required<DracoEncodeOptions>;
}

/**
 * Decides whether `channel` is compressed (session.md 8.1): only compressible inputs on Lossy
 * channels (a Reliable channel is never compressed and the policy is not asked); lossless
 * options (0 bits) give no size reduction and are treated as an opt-out with a warning; invalid
 * options are logged and replaced by the defaults.
 */
export function resolvePointCloudCompression(
  channel: ChannelDescriptor,
  reliable: boolean,
  setting: PointCloudCompressionSetting = true,
): PointCloudCompressionConfig | undefined {
  const format = pointCloudInputFormat(channel.messageEncoding, channel.schema?.name);
  if (format === undefined || reliable || setting === false) {
    return undefined;
  }
  let choice: DracoEncodeOptions | boolean | null | undefined;
  if (typeof setting === "function") {
    try {
      choice = setting(channel);
    } catch (error) {
      log.warn(`point cloud compression policy failed for ${channel.topic}; using defaults`, error);
      choice = true;
    }
  } else {
    choice = setting;
  }
  if (choice === false || choice === null || choice === undefined) {
    return undefined;
  }
  let options: Required<DracoEncodeOptions>;
  try {
    options = resolveDracoOptions(choice === true ? {} : choice);
  } catch (error) {
    log.warn(`invalid point cloud compression options for ${channel.topic}; using defaults`, error);
    options = resolveDracoOptions();
  }
  if (options.quantizationBits === 0) {
    log.warn(
      `lossless point cloud compression gives no size reduction; ${channel.topic} is sent unmodified`,
    );
    return undefined;
  }
  return { format, options };
}

/** Schema name of compressed channels. */
const COMPRESSED_SCHEMA_NAME = "foxglove.CompressedPointCloud";
/**
 * The generated .proto files of `foxglove.CompressedPointCloud`, dependencies first, as its encoder
 * in `foxglove-remote/messages` lists them (a test checks the schemas are equal). Named here so
 * that the gateway does not load every message encoder and JSON schema to advertise a channel.
 */
const COMPRESSED_SCHEMA_FILES = [
  "foxglove/Quaternion.proto",
  "foxglove/Vector3.proto",
  "foxglove/Pose.proto",
  "google/protobuf/timestamp.proto",
  "foxglove/CompressedPointCloud.proto",
];
let compressedSchemaText: string | undefined;

/**
 * The advertisement of a compressed channel (session.md 8.2): message encoding `protobuf`,
 * schema `foxglove.CompressedPointCloud` (base64 FileDescriptorSet), metadata
 * `foxglove.originalSchemaName` = the source schema name; id and topic unchanged.
 */
export function rewritePointCloudAdvertisement(channel: AdvertisedChannel): AdvertisedChannel {
  compressedSchemaText ??= encodeBase64(descriptorSet(COMPRESSED_SCHEMA_FILES));
  return {
    ...channel,
    encoding: "protobuf",
    schemaName: COMPRESSED_SCHEMA_NAME,
    schemaEncoding: "protobuf",
    schema: compressedSchemaText,
    metadata: { ...channel.metadata, [ChannelMetadataKey.OriginalSchemaName]: channel.schemaName },
  };
}
