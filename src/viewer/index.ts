/**
 * `foxglove-remote/viewer`: connect to a device over Foxglove remote access (protocol 2.2.0 on
 * LiveKit), follow its channels and receive their messages, and act on it: publish on client
 * channels, read and set parameters, call services, follow the connection graph, fetch assets.
 * See docs/viewer.md.
 */
export {
  connectViewer,
  type ConnectViewerOptions,
  type LiveKitAccess,
  type ViewerConnectOptions,
} from "./connectViewer.js";
export { Viewer, type PingOptions, type WaitForChannelOptions } from "./Viewer.js";
export type { WaitOptions } from "./waitForViewerState.js";
export { ClientPublisher, type AdvertiseOptions } from "./ClientPublisher.js";
export { MAX_REQUESTS_IN_FLIGHT, type RequestOptions } from "./PendingRequests.js";
export { MAX_PUBLISH_BACKLOG_BYTES } from "./ClientPublishers.js";
export { type CallServiceOptions, type ServiceResponse } from "./ServiceCalls.js";
export { ServiceCallError, type ServiceCallReason } from "./ServiceCallError.js";
export { CapabilityError } from "./CapabilityError.js";
export { Feed, type FeedSettings } from "./Feed.js";
export {
  UpdateSubscription,
  DEFAULT_UPDATE_QUEUE_SIZE,
  type UpdateSubscriptionOptions,
} from "./UpdateSubscription.js";
export {
  applyConnectionGraphUpdate,
  EMPTY_CONNECTION_GRAPH,
  type ConnectionGraph,
} from "./ConnectionGraphState.js";
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
export type {
  AdvertisedService,
  Capability,
  Parameter,
  ParameterType,
  ParameterValue,
  ServerInfo,
  ServiceMessageSchema,
  Status,
} from "../protocol/index.js";
export type { Schema } from "../core/Schema.js";
export type { IceServerConfig } from "../livekit/index.js";
export { shutdownLiveKit } from "../livekit/index.js";
