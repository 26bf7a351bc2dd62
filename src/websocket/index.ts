/**
 * `foxglove-remote/websocket`: the local WebSocket server (protocol v1) that the Foxglove app
 * connects to, a transport of the viewer hub. See docs/websocket.md.
 */
export { startServer, WebSocketServer } from "./WebSocketServer.js";
export {
  BACKLOG_FULL_MESSAGE,
  type WebSocketServerOptions,
  type PlaybackOptions,
} from "./WebSocketServerOptions.js";
export { SUBPROTOCOLS, selectSubprotocol, type Subprotocol } from "./subprotocol.js";
export type { ViewerHubOptions } from "../remote/ViewerHubOptions.js";
export type { ViewerListener, ViewerClient, ViewerStatus } from "../remote/ViewerListener.js";
export type { QosClassifier, QosProfile, Reliability } from "../remote/planChannels.js";
export type { GatewayCapability } from "../remote/serverInfo.js";
export type {
  PlaybackControlRequest,
  PlaybackState,
  PlaybackCommand,
  PlaybackStatus,
} from "../protocol/index.js";
