/**
 * Point clouds for remote viewers (session.md 8, delta 3): detection of `foxglove.PointCloud`
 * (protobuf, JSON, FlatBuffer) and ROS 1/ROS 2 `PointCloud2`, conversion, Draco encoding with
 * Google's `draco3d`, the `foxglove.CompressedPointCloud` advertisement rewrite, the per-channel
 * opt-out policy, a newest-first transcoder, and Draco decoding for viewers.
 */
export type { PointCloudData, PointCloudField } from "./PointCloudData.js";
export { NumericType, numericTypeName, numericTypeSize } from "./PointCloudData.js";
export type { PointCloud2, PointField } from "./PointCloud2.js";
export { convertPointCloud2 } from "./PointCloud2.js";
export { readCdrPointCloud2, readRos1PointCloud2 } from "./readPointCloud2.js";
export {
  dropIrrelevantFields,
  retypePackedColors,
  narrowFloat64Fields,
  dropNonFinitePoints,
  prepareForDraco,
} from "./prepareForDraco.js";
export type { DracoEncodeOptions, DracoMethod } from "./encodeDraco.js";
export {
  encodeDraco,
  resolveDracoOptions,
  DEFAULT_QUANTIZATION_BITS,
  MAX_QUANTIZATION_BITS,
} from "./encodeDraco.js";
export { decodeDraco } from "./decodeDraco.js";
export { loadDracoEncoder, loadDracoDecoder } from "./dracoModules.js";
export type { DracoEncoderModule, DracoDecoderModule } from "./dracoModules.js";
export type { PointCloudInputFormat } from "./pointCloudInputFormat.js";
export { pointCloudInputFormat } from "./pointCloudInputFormat.js";
export { decodePointCloudInput, transcodePointCloud } from "./transcodePointCloud.js";
export type {
  PointCloudCompressionPolicy,
  PointCloudCompressionSetting,
  PointCloudCompressionConfig,
} from "./pointCloudCompression.js";
export {
  resolvePointCloudCompression,
  rewritePointCloudAdvertisement,
} from "./pointCloudCompression.js";
export type { PointCloudTranscoderOptions } from "./PointCloudTranscoder.js";
export {
  PointCloudTranscoder,
  pointCloudCompressionWarning,
  DEFAULT_POINT_CLOUD_ENCODERS,
  POINT_CLOUD_QUEUE_CAPACITY,
} from "./PointCloudTranscoder.js";
export { decompressPointCloud } from "./decompressPointCloud.js";
export type { CompressedPointCloudData } from "./readProtobufPointCloud.js";
export { readProtobufCompressedPointCloud } from "./readProtobufPointCloud.js";
export type { SyntheticLidarOptions } from "./syntheticLidarCloud.js";
export { syntheticLidarCloud } from "./syntheticLidarCloud.js";
