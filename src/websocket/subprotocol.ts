/**
 * The WebSocket subprotocols our local server speaks, newest first. `foxglove.sdk.v1` and the
 * legacy `foxglove.websocket.v1` (third-party clients) are the same protocol v1 (spec appendix A);
 * `foxglove.sdk.v1.1` is v1 with the schema-table `advertise` (delta 2).
 */
export const SUBPROTOCOLS = [
  "foxglove.sdk.v1.1",
  "foxglove.sdk.v1",
  "foxglove.websocket.v1",
] as const;

/** True when `subprotocol` sends `advertise` in the schema-table form (delta 1.3). */
export function usesSchemaTable(subprotocol: Subprotocol): boolean {
  return subprotocol === "foxglove.sdk.v1.1";
}

/** One of {@link SUBPROTOCOLS}. */
export type Subprotocol = (typeof SUBPROTOCOLS)[number];

/** The HTTP 400 body when a client offers none of {@link SUBPROTOCOLS}. */
export const MISSING_SUBPROTOCOL = "Missing expected sec-websocket-protocol header";

/**
 * Chooses the subprotocol from every `Sec-WebSocket-Protocol` header value a client sent: values
 * are split on commas and trimmed, tokens must match exactly, and the newest supported one wins
 * whatever the client's order. `undefined` when none matches. Pure.
 */
export function selectSubprotocol(
  headerValues: string | readonly string[] | undefined,
): Subprotocol | undefined {
  const values = headerValues === undefined ? [] : [headerValues].flat();
  const offered = new Set(values.flatMap((v) => v.split(",")).map((t) => t.trim()));
  return SUBPROTOCOLS.find((p) => offered.has(p));
}
