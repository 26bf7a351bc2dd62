/** Machine-readable error codes carried by {@link FoxgloveError}. */
export type FoxgloveErrorCode =
  | "ERR_VALUE"
  | "ERR_UTF8"
  | "ERR_SINK_CLOSED"
  | "ERR_SCHEMA_REQUIRED"
  | "ERR_MESSAGE_ENCODING_REQUIRED"
  | "ERR_SERVER_ALREADY_STARTED"
  | "ERR_BIND"
  | "ERR_DUPLICATE_SERVICE"
  | "ERR_MISSING_REQUEST_ENCODING"
  | "ERR_SERVICES_NOT_SUPPORTED"
  | "ERR_CONNECTION_GRAPH_NOT_SUPPORTED"
  | "ERR_IO"
  | "ERR_MCAP"
  | "ERR_ENCODE"
  | "ERR_DECODE"
  | "ERR_FRAME_TOO_LARGE"
  | "ERR_CONFIGURATION"
  | "ERR_CHANNEL_MISMATCH"
  | "ERR_CHANNEL_CLOSED"
  | "ERR_LIVEKIT"
  | "ERR_API"
  | "ERR_TIMEOUT"
  | "ERR_ABORTED"
  | "ERR_PROTOCOL"
  | "ERR_CAPABILITY"
  | "ERR_UNSUPPORTED_ENCODING"
  | "ERR_SERVICE_CALL"
  | "ERR_ASSET"
  | "ERR_TOO_MANY_REQUESTS";

/**
 * The error type thrown by this SDK. `code` tells what went wrong without parsing the message;
 * the underlying error, if any, is in `cause`.
 */
export class FoxgloveError extends Error {
  /** What kind of failure this is. */
  readonly code: FoxgloveErrorCode;

  constructor(code: FoxgloveErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "FoxgloveError";
    this.code = code;
  }
}

/** True when `error` is a {@link FoxgloveError}, optionally with the given code. */
export function isFoxgloveError(error: unknown, code?: FoxgloveErrorCode): error is FoxgloveError {
  return error instanceof FoxgloveError && (code === undefined || error.code === code);
}
