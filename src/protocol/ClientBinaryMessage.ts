/**
 * Client → server binary messages (spec 4.3). As for server messages, `op` is this SDK's name for
 * the opcode byte of {@link ClientBinaryOpcode}.
 */

/** Client binary message opcodes (4.1). 0x04/0x05 are Ping/PingAck (v2 only). */
export const ClientBinaryOpcode = {
  MessageData: 0x01,
  ServiceCallRequest: 0x02,
  PlaybackControlRequest: 0x03,
  Ping: 0x04,
  PingAck: 0x05,
} as const;

/** Client `MessageData` (0x01): data on a client-advertised channel. */
export interface ClientMessageData {
  op: "messageData";
  /** Client channel id (u32). */
  channelId: number;
  data: Uint8Array;
}

/** `ServiceCallRequest` (0x02). */
export interface ServiceCallRequest {
  op: "serviceCallRequest";
  /** u32. */
  serviceId: number;
  /** u32, chosen by the client, unique among its outstanding calls. */
  callId: number;
  /** Encoding of `data`. */
  encoding: string;
  data: Uint8Array;
}

/** Playback command of `PlaybackControlRequest` (wire 0 = play, 1 = pause). */
export type PlaybackCommand = "play" | "pause";

/** `PlaybackControlRequest` (0x03), v1 playback servers only. */
export interface PlaybackControlRequest {
  op: "playbackControlRequest";
  command: PlaybackCommand;
  /** Playback speed (f32 on the wire). */
  playbackSpeed: number;
  /** Seek target, nanoseconds (u64); absent when not seeking. */
  seekTime?: bigint;
  requestId: string;
}

/** `Ping` (0x04), v2 only. */
export interface Ping {
  op: "ping";
  /** Viewer clock (u64), echoed in the Pong; milliseconds since the epoch recommended. */
  appTimestamp: bigint;
  /** Optional bytes after the timestamp, ignored by the device; absent when none. */
  extra?: Uint8Array;
}

/** `PingAck` (0x05), v2 only. */
export interface PingAck {
  op: "pingAck";
  /** `deviceTimestamp` copied from the Pong (milliseconds since the epoch, u64). */
  deviceTimestamp: bigint;
}

/** Any client → server binary message of protocol v2. */
export type ClientBinaryMessage =
  ClientMessageData | ServiceCallRequest | PlaybackControlRequest | Ping | PingAck;

/** Any client → server binary message of protocol v1 (no Ping/PingAck). */
export type ClientBinaryMessageV1 = ClientMessageData | ServiceCallRequest | PlaybackControlRequest;
