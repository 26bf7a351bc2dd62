/**
 * `foxglove-remote/protocol`: a pure codec of the Foxglove remote access wire protocol (v2, 2.2.0)
 * and the local WebSocket protocol (v1). No I/O.
 */
export type {
  ServerInfo,
  Status,
  RemoveStatus,
  AdvertisedChannel,
  ServerAdvertise,
  ServerUnadvertise,
  ParameterValues,
  ServiceMessageSchema,
  AdvertisedService,
  AdvertiseServices,
  UnadvertiseServices,
  PublishedTopic,
  SubscribedTopic,
  ServiceProviders,
  ConnectionGraphUpdate,
  ServiceCallFailure,
  ServerJsonMessage,
  ServerJsonOp,
} from "./ServerJsonMessage.js";
export type {
  SubscribeChannel,
  Subscribe,
  SubscriptionV1,
  SubscribeV1,
  Unsubscribe,
  UnsubscribeV1,
  ClientChannel,
  ClientAdvertise,
  ClientUnadvertise,
  GetParameters,
  SetParameters,
  SubscribeParameterUpdates,
  UnsubscribeParameterUpdates,
  SubscribeConnectionGraph,
  UnsubscribeConnectionGraph,
  FetchAsset,
  CommonClientJsonMessage,
  ClientJsonMessage,
  ClientJsonMessageV1,
  ClientJsonOp,
} from "./ClientJsonMessage.js";
export { ServerBinaryOpcode } from "./ServerBinaryMessage.js";
export type {
  MessageData,
  MessageDataV1,
  TimeMessage,
  ServiceCallResponse,
  FetchAssetResponse,
  PlaybackStatus,
  PlaybackState,
  Pong,
  ServerBinaryMessage,
  ServerBinaryMessageV1,
} from "./ServerBinaryMessage.js";
export { ClientBinaryOpcode } from "./ClientBinaryMessage.js";
export type {
  ClientMessageData,
  ServiceCallRequest,
  PlaybackCommand,
  PlaybackControlRequest,
  Ping,
  PingAck,
  ClientBinaryMessage,
  ClientBinaryMessageV1,
} from "./ClientBinaryMessage.js";
export type { ServerMessage, ServerMessageV1 } from "./ServerMessage.js";
export type { ClientMessage, ClientMessageV1 } from "./ClientMessage.js";
export type { Parameter, ParameterType, ParameterValue } from "./Parameter.js";
export { StatusLevel, statusLevelName, isStatusLevel } from "./StatusLevel.js";
export { CAPABILITIES, GATEWAY_CAPABILITIES, isCapability } from "./Capability.js";
export type { Capability } from "./Capability.js";
export { FrameOpcode, FRAME_HEADER_SIZE, MAX_FRAME_PAYLOAD } from "./Frame.js";
export type { Frame } from "./Frame.js";
export { DATA_TRACK_HEADER_SIZE } from "./DataTrackFrame.js";
export type { DataTrackFrame } from "./DataTrackFrame.js";

// ---- codecs ----
export { encodeServerJson, decodeServerJson } from "./serverJsonCodec.js";
export { encodeClientJson, decodeClientJson, decodeClientJsonV1 } from "./clientJsonCodec.js";
export {
  encodeServerBinary,
  decodeServerBinary,
  decodeServerBinaryV1,
  encodeMessageData,
  MESSAGE_DATA_HEADER_SIZE,
} from "./serverBinaryCodec.js";
export {
  encodeClientBinary,
  decodeClientBinary,
  decodeClientBinaryV1,
  encodeClientMessageData,
} from "./clientBinaryCodec.js";
export { isServerBinaryMessage, isClientBinaryMessage } from "./messageKinds.js";
export {
  encodeServerFrame,
  encodeClientFrame,
  encodeMessageDataFrame,
  decodeServerFrame,
  decodeClientFrame,
} from "./messageFrames.js";
export {
  encodeServerMessageV1,
  encodeClientMessageV1,
  decodeServerMessageV1,
  decodeClientMessageV1,
} from "./webSocketMessages.js";
export { encodeFrame, encodeJsonFrame, encodeBinaryFrame } from "./encodeFrame.js";
export { FrameDecoder } from "./FrameDecoder.js";
export type { FrameDecoderOptions } from "./FrameDecoder.js";
export {
  encodeDataTrackFrame,
  writeDataTrackFrameHeader,
  decodeDataTrackFrame,
  nextDataTrackSequence,
  dataTrackSequenceGap,
} from "./dataTrackFrameCodec.js";
export { encodeParameter } from "./parameterCodec.js";
export {
  encodeSchemaText,
  decodeSchemaText,
  isBinarySchemaEncoding,
  messageEncodingRequiresSchema,
} from "./schemaText.js";
export { encodeBase64, decodeBase64 } from "./base64.js";
export {
  PROTOCOL_VERSION,
  MIN_PROTOCOL_VERSION,
  parseSemVer,
  compareSemVer,
  isCompatibleProtocolVersion,
  incompatibleVersionMessage,
} from "./protocolVersion.js";
export type { SemVer } from "./protocolVersion.js";
export { toWireTime, fromWireTime } from "./wireTime.js";
export {
  CONTROL_TOPIC,
  PROTOCOL_VERSION_ATTRIBUTE,
  ChannelMetadataKey,
  dataTrackName,
  videoTrackName,
  parseDataTrackName,
  parseVideoTrackName,
  channelDropsStatusId,
  pointCloudCompressionStatusId,
} from "./wireNames.js";
