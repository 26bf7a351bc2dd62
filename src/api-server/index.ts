export { ApiServer } from "./ApiServer.js";
export { startApiServer } from "./startApiServer.js";
export { ApiProblem } from "./ApiProblem.js";
export { DEFAULT_LIVEKIT, TEST_DEVICE, resolveApiServerOptions } from "./ApiServerOptions.js";
export type {
  ApiDevice,
  ApiServerOptions,
  LiveKitServerConfig,
  ResolvedApiServerOptions,
} from "./ApiServerOptions.js";
export type { ApiServerEvents, WakeInfo } from "./ApiServerEvents.js";
export type { DevicePhase, DeviceStatus, ViewerConnectResponse, WakeOptions } from "./DeviceHub.js";
export type { WaitForOptions } from "./EventHub.js";
export type { ApiEndpoint, Fault, FaultOptions } from "./Fault.js";
export type { EndedLease, HeartbeatVerdict, Lease, LeaseEndReason } from "./LeaseTable.js";
export { mintLiveKitToken } from "./mintLiveKitToken.js";
export type { LiveKitTokenRequest } from "./mintLiveKitToken.js";
export { parseApiServerConfig, parseDeviceFlag } from "./parseApiServerConfig.js";
export type { RequestRecord } from "./RequestRecord.js";
export {
  DEVICE_INFO_PATH,
  HEARTBEAT_PATH,
  VIEWER_CONNECT_PATH,
  VIEWER_DEVICES_PATH,
  WATCH_PATH,
} from "./routes.js";
export { DEFAULT_VIEWER_PROTOCOL_VERSION, MAX_VIEWER_WAIT_MS } from "./ViewerConnectRequest.js";
export type { WatchQuery } from "./WatchStream.js";
