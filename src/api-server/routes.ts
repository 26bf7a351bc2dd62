import type { ApiEndpoint } from "./Fault.js";

/** The device API paths (the Foxglove API's internal platform endpoints). */
export const DEVICE_INFO_PATH = "/internal/platform/v1/device-info";
/** The SSE watch path. */
export const WATCH_PATH = "/internal/platform/v1/remote-sessions/watch";
/** The heartbeat path. */
export const HEARTBEAT_PATH = "/internal/platform/v1/remote-sessions/watch/heartbeat";
/** The viewer endpoint listing devices (our own design). */
export const VIEWER_DEVICES_PATH = "/viewer/v1/devices";
/** The viewer endpoint that gets a viewer into a device's room (our own design). */
export const VIEWER_CONNECT_PATH = "/viewer/v1/connect";

/** A route: the method it answers and the endpoint name used for faults and records. */
export interface Route {
  readonly method: "GET" | "POST";
  readonly endpoint: ApiEndpoint;
}

/** Every route of the API server by path. */
export const ROUTES: ReadonlyMap<string, Route> = new Map<string, Route>([
  [DEVICE_INFO_PATH, { method: "GET", endpoint: "deviceInfo" }],
  [WATCH_PATH, { method: "GET", endpoint: "watch" }],
  [HEARTBEAT_PATH, { method: "POST", endpoint: "heartbeat" }],
  [VIEWER_DEVICES_PATH, { method: "GET", endpoint: "viewerDevices" }],
  [VIEWER_CONNECT_PATH, { method: "POST", endpoint: "viewerConnect" }],
]);
