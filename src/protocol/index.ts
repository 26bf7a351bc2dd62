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
