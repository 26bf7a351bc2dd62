/** Control-stream framing constants and the frame type (spec 1.4). */

/** Frame opcodes: 0x01 = JSON message, 0x02 = binary message. */
export const FrameOpcode = { Json: 0x01, Binary: 0x02 } as const;

/** A frame opcode value. */
export type FrameOpcode = (typeof FrameOpcode)[keyof typeof FrameOpcode];

/** One control-stream frame. */
export interface Frame {
  opcode: FrameOpcode;
  /** The payload: UTF-8 JSON (opcode 1) or a binary message (opcode 2). */
  payload: Uint8Array;
}

/** Frame header size in bytes: u8 opcode + u32 LE payload length. */
export const FRAME_HEADER_SIZE = 5;

/** Largest payload a receiver accepts by default: 16 MiB (16,777,216 bytes, inclusive). */
export const MAX_FRAME_PAYLOAD = 16 * 1024 * 1024;
