/**
 * The gateway session: what the gateway uses to serve viewers in a joined LiveKit room. A curated
 * list for src/gateway (which re-exports the public parts); see docs/session.md.
 */
export { Session, type SessionEnd, type SessionOptions } from "./Session.js";
export type {
  SessionByteStream,
  SessionIncomingStream,
  SessionLocalDataTrack,
  SessionRoom,
  SessionRoomListener,
  SessionRoomParticipant,
} from "./SessionRoom.js";
export type { SessionClient, SessionListener } from "./SessionListener.js";
export type { QosClassifier, QosProfile, Reliability } from "./QosProfile.js";
export { buildServerInfo, type ServerInfoOptions } from "./buildServerInfo.js";
export {
  serverCapabilities,
  type CapabilityInputs,
  type GatewayCapability,
} from "./serverCapabilities.js";
export { resolveSessionOptions, type SessionLimitOptions } from "./resolveSessionOptions.js";
export {
  DEFAULT_MAX_DATA_TRACK_MESSAGE_SIZE,
  DEFAULT_MESSAGE_BACKLOG_SIZE,
  MIN_MAX_DATA_TRACK_MESSAGE_SIZE,
} from "./sessionDefaults.js";
export {
  checkViewerProtocolVersion,
  type ProtocolVersionCheck,
} from "./checkViewerProtocolVersion.js";
export { SessionCore, type SessionCoreOptions } from "./SessionCore.js";
export type { SessionDataPlane } from "./SessionDataPlane.js";
export { videoInputSchema, type VideoInputSchema } from "../../media/videoInputSchema.js";
