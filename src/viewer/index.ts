/**
 * `foxglove-remote/viewer`: connect to a device over Foxglove remote access (protocol 2.2.0 on
 * LiveKit), follow its channels and receive their messages. See docs/viewer.md.
 */
export {
  connectViewer,
  type ConnectViewerOptions,
  type LiveKitAccess,
  type ViewerConnectOptions,
} from "./connectViewer.js";
export { Viewer, type PingOptions, type WaitForChannelOptions } from "./Viewer.js";
export {
  Subscription,
  DEFAULT_SUBSCRIPTION_QUEUE_SIZE,
  type SubscribeOptions,
  type SubscriptionTarget,
} from "./Subscription.js";
export type { ViewerChannel } from "./ViewerChannel.js";
export type { ViewerMessage, MessageSource } from "./ViewerMessage.js";
export type { ViewerEvents, ViewerCloseReason } from "./ViewerEvents.js";
export type { ReconnectOptions } from "./reconnectPolicy.js";
export type { ChannelChange } from "./ChannelTable.js";
export type { ListenerObject } from "./Emitter.js";
export {
  requestViewerCredentials,
  type ApiServerAccess,
  type ViewerCredentials,
} from "./requestViewerCredentials.js";
export type { IceServerConfig } from "../livekit/index.js";
export { shutdownLiveKit } from "../livekit/index.js";
