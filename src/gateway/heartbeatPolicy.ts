import { ApiError } from "./ApiError.js";
import { MAX_MISSED_HEARTBEAT_INTERVALS } from "./timings.js";
import type { HeartbeatExit } from "./WatchOutcome.js";

/** The result of one heartbeat POST, as the heartbeat policy sees it. */
export type HeartbeatResult = "ok" | "conflict" | "gone" | "unauthorized" | "error";

/** Maps a failed heartbeat POST to its result: 409, 410, 401 are terminal, the rest count. */
export function classifyHeartbeatError(error: unknown): HeartbeatResult {
  const status = error instanceof ApiError ? error.status : undefined;
  return status === 409
    ? "conflict"
    : status === 410
      ? "gone"
      : status === 401
        ? "unauthorized"
        : "error";
}

/** The heartbeat's memory: when the last POST succeeded (ms on the gateway clock). */
export interface HeartbeatState {
  readonly lastSuccessMs: number;
}

/**
 * Decides after one POST: success moves `lastSuccessMs`; 409/410/401 end the task; other
 * failures end it only once `MAX_MISSED_HEARTBEAT_INTERVALS` intervals passed since the last
 * success.
 */
export function onHeartbeatResult(
  state: HeartbeatState,
  result: HeartbeatResult,
  nowMs: number,
  intervalMs: number,
): { readonly state: HeartbeatState; readonly exit: HeartbeatExit | undefined } {
  switch (result) {
    case "ok":
      return { state: { lastSuccessMs: nowMs }, exit: undefined };
    case "conflict":
    case "gone":
    case "unauthorized":
      return { state, exit: result };
    case "error":
      return {
        state,
        exit:
          nowMs - state.lastSuccessMs >= MAX_MISSED_HEARTBEAT_INTERVALS * intervalMs
            ? "failed"
            : undefined,
      };
  }
}

/**
 * When the next POST is due: ticks fall at `startMs + k × intervalMs` (k ≥ 1); ticks missed
 * while a POST ran long are skipped, not made up.
 */
export function nextHeartbeatAt(startMs: number, intervalMs: number, nowMs: number): number {
  const k = Math.max(1, Math.floor((nowMs - startMs) / intervalMs) + 1);
  return startMs + k * intervalMs;
}
