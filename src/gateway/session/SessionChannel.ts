/**
 * What the session needs to know about a Context channel: the shape of the core's
 * `ChannelDescriptor` (api-sketch 3.1). Kept structural so the session logic does not depend on
 * the Context implementation.
 */
export interface SessionChannel {
  /** Process-wide channel ID (from 1, never reused). */
  readonly id: number;
  readonly topic: string;
  /** Message encoding, e.g. `json`, `protobuf`, `cdr`. */
  readonly messageEncoding: string;
  /** The schema, if any. */
  readonly schema:
    { readonly name: string; readonly encoding: string; readonly data: Uint8Array } | undefined;
  /** The channel's own metadata. */
  readonly metadata: Readonly<Record<string, string>>;
}
