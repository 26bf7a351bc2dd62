/**
 * Where a gateway stands:
 * - `connecting`: establishing or re-establishing the dormant watch (including backoff waits);
 * - `connected`: a watch is established, or the gateway is in a LiveKit room (this does not
 *   mean a viewer is present);
 * - `shuttingDown`: stopping; listener callbacks may still run;
 * - `shutdown`: finished; no more callbacks.
 */
export type ConnectionStatus = "connecting" | "connected" | "shuttingDown" | "shutdown";
