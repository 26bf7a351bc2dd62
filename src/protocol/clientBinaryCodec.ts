import { binaryOpcodeOf, unknownOpcodeError } from "./binaryMessage.js";
import { ByteReader } from "./ByteReader.js";
import { ByteWriter, checkU32, checkU64, stringLength } from "./ByteWriter.js";
import {
  ClientBinaryOpcode as Op,
  type ClientBinaryMessage,
  type ClientBinaryMessageV1,
  type PlaybackCommand,
  type PlaybackControlRequest,
} from "./ClientBinaryMessage.js";
import { decodeError, encodeError, guardDecode } from "./errors.js";

const COMMANDS: readonly PlaybackCommand[] = ["play", "pause"];

function checkBytes(data: Uint8Array, field: string): Uint8Array {
  if (!(data instanceof Uint8Array)) {
    throw encodeError(`${field} must be a Uint8Array`);
  }
  return data;
}

/** Size of the client `MessageData` header (opcode + u32 channel id). */
export const CLIENT_MESSAGE_DATA_HEADER_SIZE = 5;

/** A client `MessageData` message (4.3.1); throws `ERR_ENCODE` on out-of-range fields. */
export function encodeClientMessageData(channelId: number, data: Uint8Array): Uint8Array {
  checkU32(channelId, "messageData.channelId");
  checkBytes(data, "messageData.data");
  return new ByteWriter(5 + data.length).u8(Op.MessageData).u32(channelId).raw(data).bytes;
}

function encodePlaybackControl(m: PlaybackControlRequest): Uint8Array {
  const command = COMMANDS.indexOf(m.command);
  if (command < 0) {
    throw encodeError('playbackControlRequest.command must be "play" or "pause"');
  }
  if (m.seekTime !== undefined) {
    checkU64(m.seekTime, "playbackControlRequest.seekTime");
  }
  const n = stringLength(m.requestId, "playbackControlRequest.requestId");
  return new ByteWriter(19 + n)
    .u8(Op.PlaybackControlRequest)
    .u8(command)
    .f32(m.playbackSpeed)
    .u8(m.seekTime === undefined ? 0 : 1)
    .u64(m.seekTime ?? 0n)
    .string(m.requestId, n).bytes;
}

/**
 * Encodes a client → server binary message (v1 or v2; Ping/PingAck exist only in v2). Throws
 * `ERR_ENCODE` for out-of-range ids or times or wrong field types.
 */
export function encodeClientBinary(
  message: ClientBinaryMessage | ClientBinaryMessageV1,
): Uint8Array {
  const m = message;
  switch (m.op) {
    case "messageData":
      return encodeClientMessageData(m.channelId, m.data);
    case "serviceCallRequest": {
      checkU32(m.serviceId, "serviceCallRequest.serviceId");
      checkU32(m.callId, "serviceCallRequest.callId");
      const n = stringLength(m.encoding, "serviceCallRequest.encoding");
      const data = checkBytes(m.data, "serviceCallRequest.data");
      return new ByteWriter(13 + n + data.length)
        .u8(Op.ServiceCallRequest)
        .u32(m.serviceId)
        .u32(m.callId)
        .string(m.encoding, n)
        .raw(data).bytes;
    }
    case "playbackControlRequest":
      return encodePlaybackControl(m);
    case "ping": {
      checkU64(m.appTimestamp, "ping.appTimestamp");
      const extra = m.extra === undefined ? new Uint8Array(0) : checkBytes(m.extra, "ping.extra");
      return new ByteWriter(9 + extra.length).u8(Op.Ping).u64(m.appTimestamp).raw(extra).bytes;
    }
    case "pingAck":
      checkU64(m.deviceTimestamp, "pingAck.deviceTimestamp");
      return new ByteWriter(9).u8(Op.PingAck).u64(m.deviceTimestamp).bytes;
    default:
      throw encodeError(`Unknown client binary op: ${String((m as { op: unknown }).op)}`);
  }
}

// ---- decoding ----

function decodeCommon(opcode: number, bytes: Uint8Array): ClientBinaryMessageV1 | undefined {
  switch (opcode) {
    case Op.MessageData: {
      const r = new ByteReader(bytes, "MessageData", 1);
      return { op: "messageData", channelId: r.u32("channelId"), data: r.rest() };
    }
    case Op.ServiceCallRequest: {
      const r = new ByteReader(bytes, "ServiceCallRequest", 1);
      const serviceId = r.u32("serviceId");
      const callId = r.u32("callId");
      const encoding = r.string("encoding");
      return { op: "serviceCallRequest", serviceId, callId, encoding, data: r.rest() };
    }
    case Op.PlaybackControlRequest: {
      const r = new ByteReader(bytes, "PlaybackControlRequest", 1);
      const command = COMMANDS[r.u8("command")];
      if (command === undefined) {
        throw decodeError("Invalid PlaybackControlRequest: command must be 0 or 1");
      }
      const playbackSpeed = r.f32("playbackSpeed");
      const hasSeek = r.u8("hasSeek") !== 0;
      const seekTime = r.u64("seekTime");
      const requestId = r.string("requestId");
      const m: PlaybackControlRequest = {
        op: "playbackControlRequest",
        command,
        playbackSpeed,
        requestId,
      };
      if (hasSeek) {
        m.seekTime = seekTime;
      }
      return m;
    }
    default:
      return undefined;
  }
}

/**
 * Decodes a client → server binary message of protocol v2 (2.2.0: 0x04 = Ping, 0x05 = PingAck).
 * Byte fields are views into `bytes`. Throws `ERR_DECODE` (empty, unknown opcode, too short,
 * bad UTF-8, bad enum value).
 */
export function decodeClientBinary(bytes: Uint8Array): ClientBinaryMessage {
  return guardDecode("client binary message", () => {
    const opcode = binaryOpcodeOf(bytes);
    switch (opcode) {
      case Op.Ping: {
        const r = new ByteReader(bytes, "Ping", 1);
        const appTimestamp = r.u64("appTimestamp");
        const extra = r.rest();
        return extra.length === 0
          ? { op: "ping", appTimestamp }
          : { op: "ping", appTimestamp, extra };
      }
      case Op.PingAck:
        return {
          op: "pingAck",
          deviceTimestamp: new ByteReader(bytes, "PingAck", 1).u64("deviceTimestamp"),
        };
      default:
        return decodeCommon(opcode, bytes) ?? unknownOpcodeError(opcode, "client, v2");
    }
  });
}

/** Decodes a client → server binary message of protocol v1; as {@link decodeClientBinary}. */
export function decodeClientBinaryV1(bytes: Uint8Array): ClientBinaryMessageV1 {
  return guardDecode("client binary message", () => {
    const opcode = binaryOpcodeOf(bytes);
    return decodeCommon(opcode, bytes) ?? unknownOpcodeError(opcode, "client, v1");
  });
}
