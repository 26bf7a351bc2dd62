import { FoxgloveError, type FoxgloveErrorCode } from "../core/FoxgloveError.js";

/**
 * Why opening a watch failed (or, for `transport` and `malformedEvent`, why a running watch broke):
 * - `conflict`: 409, another gateway holds the device's lease;
 * - `unauthorized`: 401, the device token was rejected;
 * - `api`: any other HTTP status or network failure while opening;
 * - `transport`: reading the event stream failed;
 * - `unexpectedEof`: the stream ended before `hello`;
 * - `helloTimeout`: no `hello` within the hello deadline;
 * - `unexpectedContentType`: a 2xx answer that is not `text/event-stream`;
 * - `malformedEvent`: a `hello` or `wake` whose data is not the expected JSON.
 */
export type WatchErrorKind =
  | "conflict"
  | "unauthorized"
  | "api"
  | "transport"
  | "unexpectedEof"
  | "helloTimeout"
  | "unexpectedContentType"
  | "malformedEvent";

const CODES: Record<WatchErrorKind, FoxgloveErrorCode> = {
  conflict: "ERR_API",
  unauthorized: "ERR_API",
  api: "ERR_API",
  transport: "ERR_IO",
  unexpectedEof: "ERR_PROTOCOL",
  helloTimeout: "ERR_TIMEOUT",
  unexpectedContentType: "ERR_PROTOCOL",
  malformedEvent: "ERR_PROTOCOL",
};

/** A failure of the dormant watch stream; `kind` drives the retry policy. */
export class WatchError extends FoxgloveError {
  /** What went wrong, as the retry policy sees it. */
  readonly kind: WatchErrorKind;
  /** For `unexpectedContentType`: the media type received (undefined when the header was missing). */
  readonly contentType: string | undefined;

  constructor(
    kind: WatchErrorKind,
    message: string,
    options?: ErrorOptions & { contentType?: string | undefined },
  ) {
    super(CODES[kind], message, options);
    this.name = "WatchError";
    this.kind = kind;
    this.contentType = options?.contentType;
  }
}
