import { FoxgloveError } from "../core/FoxgloveError.js";
import type { ApiDevice, ApiServerOptions, LiveKitServerConfig } from "./ApiServerOptions.js";

const NUMBER_KEYS = [
  "port",
  "heartbeatIntervalMs",
  "deviceWaitForViewerMs",
  "leaseTtlMs",
  "keepAliveIntervalMs",
  "tokenTtlSeconds",
  "viewerTokenTtlSeconds",
  "viewerWaitMs",
  "maxRecords",
  "maxRecordBytes",
  "headersTimeoutMs",
  "requestTimeoutMs",
  "sessionJoinGraceMs",
] as const;
const STRING_KEYS = ["host", "viewerKey", "viewerCorsOrigin"] as const;
const BOOLEAN_KEYS = ["wakeOnWatch", "checkSessionPresence"] as const;
const KNOWN = new Set<string>([
  ...NUMBER_KEYS,
  ...STRING_KEYS,
  ...BOOLEAN_KEYS,
  "devices",
  "livekit",
]);
const DEVICE_KEYS = new Set(["id", "name", "token", "projectId", "retainRecordingsSeconds"]);
const LIVEKIT_KEYS = new Set(["url", "apiKey", "apiSecret"]);

function fail(message: string): never {
  throw new FoxgloveError("ERR_CONFIGURATION", `api-server config: ${message}`);
}

function object(value: unknown, where: string, keys: Set<string>): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    fail(`${where} must be an object`);
  }
  for (const key of Object.keys(value)) {
    if (!keys.has(key)) {
      fail(`unknown key ${where === "config" ? key : `${where}.${key}`}`);
    }
  }
  return value as Record<string, unknown>;
}

function typed<T>(value: unknown, type: string, where: string): T | undefined {
  if (value !== undefined && typeof value !== type) {
    fail(`${where} must be a ${type}`);
  }
  return value as T | undefined;
}

/**
 * Checks the JSON config file of `foxglove-remote api-server` (the same keys as
 * {@link ApiServerOptions} without `clock` and `signal`) and returns options. Values are checked
 * further by `startApiServer`.
 *
 * @throws FoxgloveError `ERR_CONFIGURATION` for unknown keys or wrong types (no values echoed).
 */
export function parseApiServerConfig(json: unknown): ApiServerOptions {
  const root = object(json, "config", KNOWN);
  const options: ApiServerOptions = {};
  for (const key of NUMBER_KEYS) {
    const value = typed<number>(root[key], "number", key);
    if (value !== undefined) options[key] = value;
  }
  for (const key of STRING_KEYS) {
    const value = typed<string>(root[key], "string", key);
    if (value !== undefined) options[key] = value;
  }
  for (const key of BOOLEAN_KEYS) {
    const value = typed<boolean>(root[key], "boolean", key);
    if (value !== undefined) options[key] = value;
  }
  if (root.livekit !== undefined) {
    const lk = object(root.livekit, "livekit", LIVEKIT_KEYS);
    const livekit: LiveKitServerConfig = {};
    for (const key of ["url", "apiKey", "apiSecret"] as const) {
      const value = typed<string>(lk[key], "string", `livekit.${key}`);
      if (value !== undefined) livekit[key] = value;
    }
    options.livekit = livekit;
  }
  if (root.devices !== undefined) {
    if (!Array.isArray(root.devices)) fail("devices must be an array");
    options.devices = (root.devices as unknown[]).map((raw, i): ApiDevice => {
      const d = object(raw, `devices[${i}]`, DEVICE_KEYS);
      const device: ApiDevice = {
        id:
          typed<string>(d.id, "string", `devices[${i}].id`) ?? fail(`devices[${i}].id is required`),
        name:
          typed<string>(d.name, "string", `devices[${i}].name`) ??
          fail(`devices[${i}].name is required`),
        token:
          typed<string>(d.token, "string", `devices[${i}].token`) ??
          fail(`devices[${i}].token is required`),
      };
      const projectId = typed<string>(d.projectId, "string", `devices[${i}].projectId`);
      if (projectId !== undefined) device.projectId = projectId;
      if (d.retainRecordingsSeconds !== undefined && d.retainRecordingsSeconds !== null) {
        device.retainRecordingsSeconds =
          typed<number>(
            d.retainRecordingsSeconds,
            "number",
            `devices[${i}].retainRecordingsSeconds`,
          ) ?? null;
      }
      return device;
    });
  }
  return options;
}

/**
 * Parses a `--device` flag value `<id>:<name>:<token>` (the token is everything after the
 * second colon).
 *
 * @throws FoxgloveError `ERR_CONFIGURATION` when a part is missing (the value is not echoed).
 */
export function parseDeviceFlag(value: string): ApiDevice {
  const first = value.indexOf(":");
  const second = first < 0 ? -1 : value.indexOf(":", first + 1);
  const id = value.slice(0, first);
  const name = value.slice(first + 1, second);
  const token = value.slice(second + 1);
  if (first <= 0 || second <= first + 1 || token.length === 0) {
    fail("--device must be <id>:<name>:<token>");
  }
  return { id, name, token };
}
