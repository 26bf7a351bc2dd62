/**
 * The LiveKit adapter: the only module that touches `@livekit/rtc-node`. The gateway session and
 * the viewer library use LiveKit exclusively through these exports. See docs/livekit.md.
 */
export { connectRoom, type ConnectOptions, type IceServerConfig } from "./connectRoom.js";
export { LiveKitRoom, type OpenByteStreamOptions } from "./LiveKitRoom.js";
export type { Registration } from "./Registration.js";
export type { SubscribeVideoOptions } from "./roomVideo.js";
export type { RoomListener, RemoteVideoTrackInfo } from "./RoomListener.js";
export type { ParticipantState, RemoteParticipantInfo } from "./RemoteParticipantInfo.js";
export { ByteStreamSender } from "./ByteStreamSender.js";
export type { IncomingByteStream } from "./IncomingByteStream.js";
export { LocalDataTrack, type DataTrackPacing } from "./LocalDataTrack.js";
export {
  DataTrackPacer,
  DEFAULT_BURST_GAP_MS,
  DEFAULT_PACER_INTERVAL_MS,
  type DataTrackOfferResult,
  type DataTrackPacerOptions,
  type PacedTarget,
} from "./DataTrackPacer.js";
export { RemoteDataTrack } from "./RemoteDataTrack.js";
export { DataTrackSubscription, type DataTrackSubscribeOptions } from "./DataTrackSubscription.js";
export {
  MAX_USER_TIMESTAMP,
  type DataTrackFrame,
  type DataTrackPushResult,
} from "./DataTrackFrame.js";
export { DataTrackPublishError } from "./DataTrackPublishError.js";
export { LocalVideoPublication } from "./LocalVideoPublication.js";
export type {
  VideoCodecName,
  VideoEncoderName,
  VideoPublishOptions,
} from "./VideoPublishOptions.js";
export { resolveVideoCodecOptions } from "./VideoPublishOptions.js";
export { VideoSubscription, type DecodedVideoFrame } from "./VideoSubscription.js";
export {
  packRawVideoFrame,
  rawVideoFrameSize,
  type RawVideoFormat,
  type RawVideoFrame,
} from "./RawVideoFrame.js";
export { AsyncQueue, type OverflowPolicy } from "../core/async/AsyncQueue.js";
export { shutdownLiveKit } from "./native.js";
export { startDevServer, type DevServer, type DevServerOptions } from "./devServer.js";
export { mintDevToken, type DevTokenOptions } from "./devToken.js";
