import { FoxgloveError } from "../core/FoxgloveError.js";

/** A decoding failure: bad input from a peer. */
export function decodeError(message: string): FoxgloveError {
  return new FoxgloveError("ERR_DECODE", message);
}

/** An encoding failure: a message this process built cannot be put on the wire. */
export function encodeError(message: string): FoxgloveError {
  return new FoxgloveError("ERR_ENCODE", message);
}

/**
 * Runs `fn`; any exception that is not a {@link FoxgloveError} (a bug, never expected) becomes an
 * `ERR_DECODE` FoxgloveError carrying it as `cause`, so decoders only ever throw typed errors.
 */
export function guardDecode<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof FoxgloveError) {
      throw error;
    }
    throw new FoxgloveError("ERR_DECODE", `Internal error decoding ${what}`, { cause: error });
  }
}
