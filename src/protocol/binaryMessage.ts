import { decodeError } from "./errors.js";

/** The opcode byte of a binary message; throws `ERR_DECODE` when the message is empty. */
export function binaryOpcodeOf(bytes: Uint8Array): number {
  if (!(bytes instanceof Uint8Array) || bytes.length === 0) {
    throw decodeError("Empty binary message");
  }
  return bytes[0]!;
}

/** Throws `ERR_DECODE` for an opcode unknown in this direction and protocol version. */
export function unknownOpcodeError(opcode: number, direction: string): never {
  const hex = opcode.toString(16).padStart(2, "0");
  throw decodeError(`Unknown binary opcode 0x${hex} (${direction})`);
}
