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
export { LIBRARY_ID } from "./libraryId.js";
export { sessionJoiner } from "./sessionJoiner.js";
export type { SessionJoinOptions } from "./sessionJoiner.js";
