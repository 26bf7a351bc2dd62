// The remote access gateway: `foxglove-remote/gateway`.
export { startGateway } from "./startGateway.js";
export { RemoteAccessGateway } from "./RemoteAccessGateway.js";
export type { GatewayListener, GatewayOptions, GatewayStatus } from "./GatewayOptions.js";
export type { ConnectionStatus } from "./ConnectionStatus.js";
export type { GatewayStopReason } from "./lifecycle.js";
export { REMOTE_ACCESS_PROTOCOL_VERSION } from "./lifecycle.js";
export type { JoinRoom, RoomJoinRequest, RoomSession } from "./RoomSession.js";
export { joinLiveKitRoom, liveKitRoomJoiner } from "./liveKitRoomJoiner.js";
export type { LiveKitJoinOptions } from "./liveKitRoomJoiner.js";
export type { DeviceInfo } from "./ApiClient.js";
export { ApiError } from "./ApiError.js";
export type { ApiErrorKind } from "./ApiError.js";
export { DEFAULT_GATEWAY_TIMINGS } from "./timings.js";
export type { GatewayTimings } from "./timings.js";
export type { Clock } from "./Clock.js";
export { LIBRARY_ID } from "../core/version.js";
export { sessionJoiner } from "./sessionJoiner.js";
export type { SessionJoinOptions } from "./sessionJoiner.js";
export { Session, type SessionEnd, type SessionOptions } from "./session/Session.js";
export type { SessionLimitOptions } from "./session/resolveSessionOptions.js";
export { ViewerHub, type HubTransport } from "../remote/ViewerHub.js";
export type { ViewerHubOptions, ResolvedViewerHubOptions } from "../remote/ViewerHubOptions.js";
export type { ViewerClient, ViewerListener, ViewerStatus } from "../remote/ViewerListener.js";
export type { ViewerConnection, ViewerKey } from "../remote/ViewerConnection.js";
export type { ViewerMedia, DropReport } from "../remote/ViewerMedia.js";
export type { CapabilityTable, Gate, GateReply } from "../remote/capabilityGates.js";
export type { QosClassifier, QosProfile, Reliability } from "../remote/planChannels.js";
export type { GatewayCapability } from "../remote/serverInfo.js";
export type { VideoMetadata } from "../remote/channelMetadata.js";
export type {
  PointCloudCompressionSetting,
  PointCloudCompressionPolicy,
  PointCloudCompressionConfig,
  DracoEncodeOptions,
  DracoMethod,
} from "../media/pointcloud/index.js";
export { DEFAULT_POINT_CLOUD_ENCODERS } from "../media/pointcloud/PointCloudTranscoder.js";
export type {
  ServiceDefinition,
  ServiceHandler,
  ServiceMessageDefinition,
  ServiceRequest,
  ServiceResponse,
} from "../remote/Services.js";
export type { ParameterHandler, ParameterRequestContext } from "../remote/Parameters.js";
export type { AssetHandler, AssetRequestContext } from "../remote/Assets.js";
export type { ConnectionGraph } from "../remote/ConnectionGraph.js";
export type { Parameter, ParameterType, ParameterValue } from "../protocol/index.js";
export type { Schema } from "../core/Schema.js";
export {
  DEFAULT_MAX_REQUESTS_IN_FLIGHT,
  DEFAULT_REQUEST_TIMEOUT_MS,
} from "../remote/ViewerHubOptions.js";
export type { AdapterJoinOptions } from "./AdapterRoomSession.js";
export type { ChannelDescriptor } from "../core/ChannelDescriptor.js";
export type { SinkChannelFilter } from "../core/Sink.js";
export { shutdownLiveKit } from "../livekit/shutdownLiveKit.js";
export type { IceServerConfig } from "../livekit/index.js";
