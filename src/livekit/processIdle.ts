/** What {@link isProcessIdle} inspects; defaults to the live process (injectable for tests). */
export interface ProcessProbe {
  /** Handles keeping the loop alive (ref'd), as returned by `process._getActiveHandles()`. */
  handles(): unknown[];
  /** In-flight libuv requests (fs, dns, ...), as returned by `process._getActiveRequests()`. */
  requests(): unknown[];
  /** `process.getActiveResourcesInfo()`: includes "Timeout"/"Immediate" for ref'd timers only. */
  resources(): string[];
  /** The process's stdout and stderr streams (compared by identity). */
  stdio(): unknown[];
}

interface ProcessInternals {
  _getActiveHandles?: () => unknown[];
  _getActiveRequests?: () => unknown[];
}

const live: ProcessProbe = {
  handles: () => (process as unknown as ProcessInternals)._getActiveHandles?.() ?? [],
  requests: () => (process as unknown as ProcessInternals)._getActiveRequests?.() ?? [],
  resources: () => process.getActiveResourcesInfo(),
  stdio: () => [process.stdout, process.stderr],
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
  const stdio = probe.stdio();
  return probe.handles().every((h) => stdio.includes(h) || isUnreadStdin(h));
}

/**
 * Stdio is recognised by the stream object, not by the fd of its handle: in a terminal Node reopens
 * the TTY, so the handle of stdout has some other fd (e.g. 18) while the stream's `fd` stays 0/1/2.
 */
function isUnreadStdin(handle: unknown): boolean {
  const h = handle as { fd?: unknown; readableFlowing?: unknown } | undefined;
  return h?.fd === 0 && h.readableFlowing !== true;
}
