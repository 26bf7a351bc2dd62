import { FoxgloveError } from "../core/FoxgloveError.js";

/**
 * What kind of failure an {@link ApiError} is:
 * - `errorResponse`: a 4xx/5xx with a JSON `{error, code?}` body;
 * - `malformedErrorResponse`: a 4xx/5xx with any other body;
 * - `responseTooLarge`: a 4xx/5xx whose body is over 16 KiB (not read);
 * - `sendRequest`: the request could not be sent or answered (network, DNS, connect);
 * - `timeout`: no complete answer within the API timeout;
 * - `loadResponseBytes`: reading a successful body failed;
 * - `parseResponse`: a successful body is not the expected JSON.
 */
export type ApiErrorKind =
  | "errorResponse"
  | "malformedErrorResponse"
  | "responseTooLarge"
  | "sendRequest"
  | "timeout"
  | "loadResponseBytes"
  | "parseResponse";

/**
 * A failed call to the Foxglove device API. Only `status` decides how the gateway reacts; the
 * body only adds detail. Code `ERR_TIMEOUT` for timeouts, `ERR_API` otherwise. Messages and
 * headers never contain the device token.
 */
export class ApiError extends FoxgloveError {
  /** The kind of failure. */
  readonly kind: ApiErrorKind;
  /** The HTTP status for the three error-response kinds, else undefined. */
  readonly status: number | undefined;
  /** The API's machine-readable `code` from an `errorResponse` body, if any. */
  readonly apiCode: string | undefined;
  /** The response headers (lower-case names) for the error-response kinds, else undefined. */
  readonly headers: Readonly<Record<string, string>> | undefined;

  constructor(
    kind: ApiErrorKind,
    message: string,
    options: ErrorOptions & {
      status?: number;
      apiCode?: string | undefined;
      headers?: Readonly<Record<string, string>>;
    } = {},
  ) {
    super(kind === "timeout" ? "ERR_TIMEOUT" : "ERR_API", message, options);
    this.name = "ApiError";
    this.kind = kind;
    this.status = options.status;
    this.apiCode = options.apiCode;
    this.headers = options.headers;
  }
}
