/**
 * Server → client binary messages (spec 4.2, appendix A.5). The `op` strings are this SDK's names
 * (the wire carries the opcode byte of {@link ServerBinaryOpcode}); they never clash with JSON
 * `op` names, so JSON and binary messages form one union per direction. Times are `bigint`
 * nanoseconds unless noted; payloads are `Uint8Array` (decoders return views into the input).
 */

/** Server binary message opcodes (4.1). */
export const ServerBinaryOpcode = {
  MessageData: 0x01,
  Time: 0x02,
  ServiceCallResponse: 0x03,
  FetchAssetResponse: 0x04,
  PlaybackState: 0x05,
  Pong: 0x06,
} as const;

/** `MessageData` (0x01), v2: channel data (Reliable channels). */
export interface MessageData {
  op: "messageData";
  /** Channel id (u64 on the wire, < 2^53 here). */
  channelId: number;
  /** Log time, nanoseconds since the Unix epoch (u64). */
  logTime: bigint;
  /** The message, encoded per the channel's encoding. */
  data: Uint8Array;
}

/** `MessageData` (0x01), v1: carries the client's subscription id instead of the channel id. */
export interface MessageDataV1 {
  op: "messageData";
  /** Subscription id (u32). */
  subscriptionId: number;
  /** Log time, nanoseconds since the Unix epoch (u64). */
  logTime: bigint;
  data: Uint8Array;
}

/** `Time` (0x02): server clock, nanoseconds (u64). */
export interface TimeMessage {
  op: "time";
  timestamp: bigint;
}

/** `ServiceCallResponse` (0x03). */
export interface ServiceCallResponse {
  op: "serviceCallResponse";
  /** u32. */
  serviceId: number;
  /** u32, from the request. */
  callId: number;
  /** Encoding of `data`. */
  encoding: string;
  data: Uint8Array;
}

/** `FetchAssetResponse` (0x04): status 0 = success with `data`, 1 = error with `error`. */
export type FetchAssetResponse =
  | { op: "fetchAssetResponse"; requestId: number; status: "success"; data: Uint8Array }
  | { op: "fetchAssetResponse"; requestId: number; status: "error"; error: string };

/** Playback status of `PlaybackState` (wire 0..3). */
export type PlaybackStatus = "playing" | "paused" | "buffering" | "ended";

/** `PlaybackState` (0x05), v1 playback servers only. */
export interface PlaybackState {
  op: "playbackState";
  status: PlaybackStatus;
  /** Current playback time, nanoseconds (u64). */
  currentTime: bigint;
  /** Playback speed (f32 on the wire). */
  playbackSpeed: number;
  didSeek: boolean;
  /** Id of the `PlaybackControlRequest` this answers; absent (wire length 0) otherwise. */
  requestId?: string;
}

/** `Pong` (0x06), v2 only: reply to a client `Ping`. */
export interface Pong {
  op: "pong";
  /** Copied from the Ping (u64, viewer clock). */
  appTimestamp: bigint;
  /** Device wall clock, milliseconds since the Unix epoch (u64). */
  deviceTimestamp: bigint;
  /** Bytes after the 16-byte payload; absent when none. */
  extra?: Uint8Array;
}

/** Any server → client binary message of protocol v2. */
export type ServerBinaryMessage =
  MessageData | TimeMessage | ServiceCallResponse | FetchAssetResponse | PlaybackState | Pong;

/** Any server → client binary message of protocol v1 (no Pong; v1 MessageData). */
export type ServerBinaryMessageV1 =
  MessageDataV1 | TimeMessage | ServiceCallResponse | FetchAssetResponse | PlaybackState;
