import { FoxgloveError, type FoxgloveErrorCode } from "../core/FoxgloveError.js";

/** Why a service call failed: one of the values of {@link ServiceCallError.Reason}. */
export type ServiceCallReason =
  (typeof ServiceCallError.Reason)[keyof typeof ServiceCallError.Reason];

/** Wire failure texts of `serviceCallFailure` (spec 3.2.10) that name a known reason. */
const WIRE_TEXTS: ReadonlyMap<string, ServiceCallReason> = new Map([
  ["Server does not support services", "notSupported"],
  ["Unknown service", "unknownService"],
  ["Unsupported encoding", "unsupportedEncoding"],
  ["Too many requests", "tooManyRequests"],
  ["Internal server error: service failed to send a response", "noResponse"],
]);

/**
 * A service call that failed, from `Viewer.callService`. {@link reason} says why (see the
 * {@link ServiceCallError.Reason} table); `code` is the matching FoxgloveError code, so generic
 * handlers that look at `ERR_TIMEOUT`, `ERR_ABORTED` or `ERR_CHANNEL_CLOSED` keep working.
 * `message` carries the device's failure text when the device answered.
 */
export class ServiceCallError extends FoxgloveError {
  /**
   * The reasons a call fails, and the FoxgloveError code each one carries:
   *
   * | reason | code | when |
   * |---|---|---|
   * | `handlerError` | `ERR_SERVICE_CALL` | the device's handler failed; `message` is its text |
   * | `unknownService` | `ERR_SERVICE_CALL` | no such service (device text `Unknown service`, or not advertised) |
   * | `unsupportedEncoding` | `ERR_UNSUPPORTED_ENCODING` | the request's encoding is not accepted (`Unsupported encoding`) |
   * | `tooManyRequests` | `ERR_TOO_MANY_REQUESTS` | 32 calls already in flight (`Too many requests`) |
   * | `noResponse` | `ERR_SERVICE_CALL` | the handler dropped the call (`Internal server error: service failed to send a response`) |
   * | `notSupported` | `ERR_CAPABILITY` | the device refused: `Server does not support services` |
   * | `timeout` | `ERR_TIMEOUT` | no answer within `timeoutMs` |
   * | `aborted` | `ERR_ABORTED` | the caller's signal aborted |
   * | `disconnected` | `ERR_CHANNEL_CLOSED` | the viewer closed, or the device reset the session, before the answer |
   */
  static readonly Reason = {
    HANDLER_ERROR: "handlerError",
    UNKNOWN_SERVICE: "unknownService",
    UNSUPPORTED_ENCODING: "unsupportedEncoding",
    TOO_MANY_REQUESTS: "tooManyRequests",
    NO_RESPONSE: "noResponse",
    NOT_SUPPORTED: "notSupported",
    TIMEOUT: "timeout",
    ABORTED: "aborted",
    DISCONNECTED: "disconnected",
  } as const;

  /** The FoxgloveError code of each reason (the table above). */
  static readonly Code: Readonly<Record<ServiceCallReason, FoxgloveErrorCode>> = {
    handlerError: "ERR_SERVICE_CALL",
    unknownService: "ERR_SERVICE_CALL",
    unsupportedEncoding: "ERR_UNSUPPORTED_ENCODING",
    tooManyRequests: "ERR_TOO_MANY_REQUESTS",
    noResponse: "ERR_SERVICE_CALL",
    notSupported: "ERR_CAPABILITY",
    timeout: "ERR_TIMEOUT",
    aborted: "ERR_ABORTED",
    disconnected: "ERR_CHANNEL_CLOSED",
  };

  /** Why the call failed. */
  readonly reason: ServiceCallReason;
  /** The service's name. */
  readonly service: string;
  /** The device's failure text, when the device answered with `serviceCallFailure`. */
  readonly deviceMessage: string | undefined;

  constructor(reason: ServiceCallReason, service: string, message: string, deviceMessage?: string) {
    super(ServiceCallError.Code[reason], message);
    this.name = "ServiceCallError";
    this.reason = reason;
    this.service = service;
    this.deviceMessage = deviceMessage;
  }

  /**
   * The error for a device's `serviceCallFailure` text: a known spec text maps to its reason,
   * anything else is the handler's own error (`handlerError`).
   */
  static fromFailure(service: string, text: string): ServiceCallError {
    const reason = WIRE_TEXTS.get(text) ?? "handlerError";
    return new ServiceCallError(reason, service, `service ${service} failed: ${text}`, text);
  }
}
