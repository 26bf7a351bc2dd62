/**
 * The "no viewer" rule of a session, as pure functions over milliseconds on the gateway clock:
 * the idle period starts when the viewer count is 0 (including at session start) and ends
 * when a viewer is present; past the viewer wait, the session returns to dormant.
 */

/** The start of the current idle period after observing `viewerCount` at `nowMs`. */
export function nextIdleSince(
  idleSince: number | undefined,
  viewerCount: number,
  nowMs: number,
): number | undefined {
  if (viewerCount > 0) {
    return undefined;
  }
  return idleSince ?? nowMs;
}

/** True when an idle period that began at `idleSince` has lasted `waitMs` by `nowMs`. */
export function idleExpired(idleSince: number | undefined, nowMs: number, waitMs: number): boolean {
  return idleSince !== undefined && nowMs >= idleSince + waitMs;
}
