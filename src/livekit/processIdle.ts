/** What {@link isProcessIdle} inspects; defaults to the live process (injectable for tests). */
export interface ProcessProbe {
  /** Handles keeping the loop alive (ref'd), as returned by `process._getActiveHandles()`. */
  handles(): unknown[];
  /** In-flight libuv requests (fs, dns, ...), as returned by `process._getActiveRequests()`. */
  requests(): unknown[];
  /** `process.getActiveResourcesInfo()`: includes "Timeout"/"Immediate" for ref'd timers only. */
  resources(): string[];
}

interface ProcessInternals {
  _getActiveHandles?: () => unknown[];
  _getActiveRequests?: () => unknown[];
}

const live: ProcessProbe = {
  handles: () => (process as unknown as ProcessInternals)._getActiveHandles?.() ?? [],
  requests: () => (process as unknown as ProcessInternals)._getActiveRequests?.() ?? [],
  resources: () => process.getActiveResourcesInfo(),
};

/**
 * True when nothing but LiveKit's native callback would keep the process running: no ref'd timer
 * or immediate, no request in flight, and no ref'd handle other than stdout/stderr (which never
 * keep the loop alive on their own) or a stdin nobody reads.
 */
export function isProcessIdle(probe: ProcessProbe = live): boolean {
  if (probe.resources().some((r) => r === "Timeout" || r === "Immediate")) {
    return false;
  }
  if (probe.requests().length > 0) {
    return false;
  }
  return probe.handles().every(isPassiveStdio);
}

function isPassiveStdio(handle: unknown): boolean {
  const h = handle as { _handle?: { fd?: unknown }; fd?: unknown; readableFlowing?: unknown };
  const fd = h?._handle?.fd ?? h?.fd;
  if (fd === 1 || fd === 2) {
    return true;
  }
  return fd === 0 && h.readableFlowing !== true;
}
