import { binaryOpcodeOf, unknownOpcodeError } from "./binaryMessage.js";
import { ByteReader } from "./ByteReader.js";
import { ByteWriter, checkSafeId, checkU32, checkU64, stringLength } from "./ByteWriter.js";
import { decodeError, encodeError, guardDecode } from "./errors.js";
import {
  ServerBinaryOpcode as Op,
  type FetchAssetResponse,
  type MessageData,
  type MessageDataV1,
  type PlaybackState,
  type PlaybackStatus,
  type ServerBinaryMessage,
  type ServerBinaryMessageV1,
} from "./ServerBinaryMessage.js";

const PLAYBACK_STATUSES: readonly PlaybackStatus[] = ["playing", "paused", "buffering", "ended"];

function checkBytes(data: Uint8Array, field: string): Uint8Array {
  if (!(data instanceof Uint8Array)) {
    throw encodeError(`${field} must be a Uint8Array`);
  }
  return data;
}

/** Bytes before the payload in a v2 `MessageData`: opcode, u64 channel id, u64 log time. */
export const MESSAGE_DATA_HEADER_SIZE = 17;

/**
 * Writes a v2 `MessageData` (opcode 0x01, u64 channel id, u64 log time, data) into `target` at
 * `offset` (the caller sized it); the hot path shared with the frame encoder.
 */
export function writeMessageData(
  target: Uint8Array,
  offset: number,
  channelId: number,
  logTime: bigint,
  data: Uint8Array,
): void {
  checkSafeId(channelId, "messageData.channelId");
  checkU64(logTime, "messageData.logTime");
  checkBytes(data, "messageData.data");
  const view = new DataView(target.buffer, target.byteOffset + offset, MESSAGE_DATA_HEADER_SIZE);
  view.setUint8(0, Op.MessageData);
  view.setUint32(1, channelId % 0x1_0000_0000, true);
  view.setUint32(5, Math.floor(channelId / 0x1_0000_0000), true);
  view.setBigUint64(9, logTime, true);
  target.set(data, offset + MESSAGE_DATA_HEADER_SIZE);
}

/** Bytes before the payload in a v1 `MessageData`: opcode, u32 subscription id, u64 log time. */
export const MESSAGE_DATA_V1_HEADER_SIZE = 13;

/**
 * Writes a v1 `MessageData` (opcode 0x01, u32 subscription id, u64 log time, data) into `target`
 * at `offset` (the caller sized it). Throws `ERR_ENCODE` for out-of-range fields.
 */
export function writeMessageDataV1(
  target: Uint8Array,
  offset: number,
  subscriptionId: number,
  logTime: bigint,
  data: Uint8Array,
): void {
  checkU32(subscriptionId, "messageData.subscriptionId");
  checkU64(logTime, "messageData.logTime");
  checkBytes(data, "messageData.data");
  const view = new DataView(target.buffer, target.byteOffset + offset, MESSAGE_DATA_V1_HEADER_SIZE);
  view.setUint8(0, Op.MessageData);
  view.setUint32(1, subscriptionId, true);
  view.setBigUint64(5, logTime, true);
  target.set(data, offset + MESSAGE_DATA_V1_HEADER_SIZE);
}

/** A v2 server `MessageData` message (4.2.1); throws `ERR_ENCODE` on out-of-range fields. */
export function encodeMessageData(
  channelId: number,
  logTime: bigint,
  data: Uint8Array,
): Uint8Array {
  const out = new Uint8Array(MESSAGE_DATA_HEADER_SIZE + checkBytes(data, "data").length);
  writeMessageData(out, 0, channelId, logTime, data);
  return out;
}

function encodeFetchAssetResponse(m: FetchAssetResponse): Uint8Array {
  checkU32(m.requestId, "fetchAssetResponse.requestId");
  if (m.status === "success") {
    const data = checkBytes(m.data, "fetchAssetResponse.data");
    return new ByteWriter(10 + data.length)
      .u8(Op.FetchAssetResponse)
      .u32(m.requestId)
      .u8(0)
      .u32(0)
      .raw(data).bytes;
  }
  if (m.status !== "error") {
    throw encodeError('fetchAssetResponse.status must be "success" or "error"');
  }
  const n = stringLength(m.error, "fetchAssetResponse.error");
  return new ByteWriter(10 + n).u8(Op.FetchAssetResponse).u32(m.requestId).u8(1).string(m.error, n)
    .bytes;
}

function encodePlaybackState(m: PlaybackState): Uint8Array {
  const status = PLAYBACK_STATUSES.indexOf(m.status);
  if (status < 0) {
    throw encodeError("playbackState.status is not a known playback status");
  }
  checkU64(m.currentTime, "playbackState.currentTime");
  const requestId = m.requestId ?? "";
  const n = stringLength(requestId, "playbackState.requestId");
  return new ByteWriter(19 + n)
    .u8(Op.PlaybackState)
    .u8(status)
    .u64(m.currentTime)
    .f32(m.playbackSpeed)
    .u8(m.didSeek ? 1 : 0)
    .string(requestId, n).bytes;
}

/**
 * Encodes a server → client binary message (v2, or v1 when `messageData` carries a
 * `subscriptionId`). Throws `ERR_ENCODE` for out-of-range ids or times or wrong field types.
 */
export function encodeServerBinary(
  message: ServerBinaryMessage | ServerBinaryMessageV1,
): Uint8Array {
  const m = message;
  switch (m.op) {
    case "messageData": {
      if ("subscriptionId" in m) {
        const out = new Uint8Array(
          MESSAGE_DATA_V1_HEADER_SIZE + checkBytes(m.data, "messageData.data").length,
        );
        writeMessageDataV1(out, 0, m.subscriptionId, m.logTime, m.data);
        return out;
      }
      return encodeMessageData(m.channelId, m.logTime, m.data);
    }
    case "time":
      checkU64(m.timestamp, "time.timestamp");
      return new ByteWriter(9).u8(Op.Time).u64(m.timestamp).bytes;
    case "serviceCallResponse": {
      checkU32(m.serviceId, "serviceCallResponse.serviceId");
      checkU32(m.callId, "serviceCallResponse.callId");
      const n = stringLength(m.encoding, "serviceCallResponse.encoding");
      const data = checkBytes(m.data, "serviceCallResponse.data");
      return new ByteWriter(13 + n + data.length)
        .u8(Op.ServiceCallResponse)
        .u32(m.serviceId)
        .u32(m.callId)
        .string(m.encoding, n)
        .raw(data).bytes;
    }
    case "fetchAssetResponse":
      return encodeFetchAssetResponse(m);
    case "playbackState":
      return encodePlaybackState(m);
    case "pong": {
      checkU64(m.appTimestamp, "pong.appTimestamp");
      checkU64(m.deviceTimestamp, "pong.deviceTimestamp");
      const extra = m.extra === undefined ? new Uint8Array(0) : checkBytes(m.extra, "pong.extra");
      return new ByteWriter(17 + extra.length)
        .u8(Op.Pong)
        .u64(m.appTimestamp)
        .u64(m.deviceTimestamp)
        .raw(extra).bytes;
    }
    default:
      throw encodeError(`Unknown server binary op: ${String((m as { op: unknown }).op)}`);
  }
}

// ---- decoding ----

/** Decodes the messages whose layout is the same in v1 and v2 (opcodes 0x02..0x05). */
function decodeCommon(
  opcode: number,
  bytes: Uint8Array,
): Exclude<ServerBinaryMessage, MessageData | { op: "pong" }> | undefined {
  switch (opcode) {
    case Op.Time:
      return { op: "time", timestamp: new ByteReader(bytes, "Time", 1).u64("timestamp") };
    case Op.ServiceCallResponse: {
      const r = new ByteReader(bytes, "ServiceCallResponse", 1);
      const serviceId = r.u32("serviceId");
      const callId = r.u32("callId");
      const encoding = r.string("encoding");
      return { op: "serviceCallResponse", serviceId, callId, encoding, data: r.rest() };
    }
    case Op.FetchAssetResponse: {
      const r = new ByteReader(bytes, "FetchAssetResponse", 1);
      const requestId = r.u32("requestId");
      const status = r.u8("status");
      if (status > 1) {
        throw decodeError("Invalid FetchAssetResponse: status must be 0 or 1");
      }
      const error = r.string("error message");
      const data = r.rest();
      return status === 0
        ? { op: "fetchAssetResponse", requestId, status: "success", data }
        : { op: "fetchAssetResponse", requestId, status: "error", error };
    }
    case Op.PlaybackState: {
      const r = new ByteReader(bytes, "PlaybackState", 1);
      const status = PLAYBACK_STATUSES[r.u8("status")];
      if (status === undefined) {
        throw decodeError("Invalid PlaybackState: status must be 0..3");
      }
      const currentTime = r.u64("currentTime");
      const playbackSpeed = r.f32("playbackSpeed");
      const didSeek = r.u8("didSeek") !== 0;
      const requestId = r.string("requestId");
      const m: PlaybackState = { op: "playbackState", status, currentTime, playbackSpeed, didSeek };
      if (requestId !== "") {
        m.requestId = requestId;
      }
      return m;
    }
    default:
      return undefined;
  }
}

/**
 * Decodes a server → client binary message of protocol v2. Byte fields are views into `bytes`.
 * Throws `ERR_DECODE` (empty message, unknown opcode, buffer too short, bad UTF-8, bad enum value,
 * channel id ≥ 2^53).
 */
export function decodeServerBinary(bytes: Uint8Array): ServerBinaryMessage {
  return guardDecode("server binary message", () => {
    const opcode = binaryOpcodeOf(bytes);
    switch (opcode) {
      case Op.MessageData: {
        const r = new ByteReader(bytes, "MessageData", 1);
        const channelId = r.u64Safe("channelId");
        const logTime = r.u64("logTime");
        return { op: "messageData", channelId, logTime, data: r.rest() };
      }
      case Op.Pong: {
        const r = new ByteReader(bytes, "Pong", 1);
        const appTimestamp = r.u64("appTimestamp");
        const deviceTimestamp = r.u64("deviceTimestamp");
        const extra = r.rest();
        return extra.length === 0
          ? { op: "pong", appTimestamp, deviceTimestamp }
          : { op: "pong", appTimestamp, deviceTimestamp, extra };
      }
      default:
        return decodeCommon(opcode, bytes) ?? unknownOpcodeError(opcode, "server, v2");
    }
  });
}

/** Decodes a server → client binary message of protocol v1; as {@link decodeServerBinary}. */
export function decodeServerBinaryV1(bytes: Uint8Array): ServerBinaryMessageV1 {
  return guardDecode("server binary message", () => {
    const opcode = binaryOpcodeOf(bytes);
    if (opcode === Op.MessageData) {
      const r = new ByteReader(bytes, "MessageData", 1);
      const subscriptionId = r.u32("subscriptionId");
      const logTime = r.u64("logTime");
      const m: MessageDataV1 = { op: "messageData", subscriptionId, logTime, data: r.rest() };
      return m;
    }
    return decodeCommon(opcode, bytes) ?? unknownOpcodeError(opcode, "server, v1");
  });
}
