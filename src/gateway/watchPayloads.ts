import type { GatewayTimings } from "./timings.js";
import type { WakeEvent, WatchHello } from "./WatchOutcome.js";

function object(data: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(data);
    return typeof v === "object" && v !== null && !Array.isArray(v)
      ? (v as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function unsignedInteger(v: unknown): v is number {
  return typeof v === "number" && Number.isSafeInteger(v) && v >= 0;
}

/**
 * Parses the data of a `hello` event and raises the heartbeat interval and viewer wait to their
 * minimums. Returns undefined when a field is missing or of the wrong type.
 */
export function parseHello(
  data: string,
  timings: Pick<GatewayTimings, "minHeartbeatIntervalMs" | "minDeviceWaitForViewerMs">,
): WatchHello | undefined {
  const o = object(data);
  if (o === undefined) {
    return undefined;
  }
  const { watchLeaseId, deviceWaitForViewerMs, heartbeatIntervalMs } = o;
  if (
    typeof watchLeaseId !== "string" ||
    !unsignedInteger(deviceWaitForViewerMs) ||
    !unsignedInteger(heartbeatIntervalMs)
  ) {
    return undefined;
  }
  return {
    watchLeaseId,
    heartbeatIntervalMs: Math.max(heartbeatIntervalMs, timings.minHeartbeatIntervalMs),
    deviceWaitForViewerMs: Math.max(deviceWaitForViewerMs, timings.minDeviceWaitForViewerMs),
  };
}

/** Parses the data of a `wake` event. Returns undefined when it is not the expected JSON. */
export function parseWake(data: string): WakeEvent | undefined {
  const o = object(data);
  if (o === undefined) {
    return undefined;
  }
  const { remoteAccessSessionId: sid, url, token } = o;
  if (typeof url !== "string" || typeof token !== "string") {
    return undefined;
  }
  if (sid !== undefined && sid !== null && typeof sid !== "string") {
    return undefined;
  }
  return { remoteAccessSessionId: typeof sid === "string" ? sid : undefined, url, token };
}
