import { httpUrlProblem } from "../core/describeError.js";
import { FoxgloveError } from "../core/FoxgloveError.js";
import { DEFAULT_API_TIMEOUT_MS, DEFAULT_API_URL } from "./ApiClient.js";
import type { GatewayOptions } from "./GatewayOptions.js";
import { DEFAULT_GATEWAY_TIMINGS, type GatewayTimings } from "./timings.js";

/** The gateway's connection settings after defaults and environment are applied. */
export interface GatewayConfig {
  readonly deviceToken: string;
  readonly apiUrl: string;
  readonly apiTimeoutMs: number;
  readonly name: string | undefined;
  readonly timings: GatewayTimings;
}

/** The environment variables the gateway reads. */
export type GatewayEnv = Readonly<Record<string, string | undefined>>;

/**
 * Resolves options against the environment (options first, then `FOXGLOVE_DEVICE_TOKEN`,
 * `FOXGLOVE_API_URL`, `FOXGLOVE_API_TIMEOUT` in whole seconds, then defaults). Pure.
 *
 * @throws FoxgloveError `ERR_CONFIGURATION` when there is no (non-empty) device token, the API
 * URL is not http(s), or a timeout or timing is not a positive number. Never echoes the token.
 */
export function resolveGatewayConfig(options: GatewayOptions, env: GatewayEnv): GatewayConfig {
  const deviceToken = options.deviceToken ?? env.FOXGLOVE_DEVICE_TOKEN;
  if (deviceToken === undefined || deviceToken.trim() === "") {
    throw new FoxgloveError(
      "ERR_CONFIGURATION",
      "no device token: pass deviceToken or set FOXGLOVE_DEVICE_TOKEN",
    );
  }
  const apiUrl = options.foxgloveApiUrl ?? env.FOXGLOVE_API_URL ?? DEFAULT_API_URL;
  const problem = httpUrlProblem(apiUrl);
  if (problem !== undefined) {
    throw new FoxgloveError("ERR_CONFIGURATION", `the Foxglove API URL ${problem}`);
  }
  const apiTimeoutMs =
    options.foxgloveApiTimeoutMs ?? envSeconds(env.FOXGLOVE_API_TIMEOUT) ?? DEFAULT_API_TIMEOUT_MS;
  positive("foxgloveApiTimeoutMs", apiTimeoutMs);
  const timings = { ...DEFAULT_GATEWAY_TIMINGS, ...definedOnly(options.timings ?? {}) };
  for (const [key, value] of Object.entries(timings)) {
    positive(`timings.${key}`, value);
  }
  return { deviceToken, apiUrl, apiTimeoutMs, name: options.name, timings };
}

/** Whole positive seconds as milliseconds; anything else is ignored (undefined). */
function envSeconds(value: string | undefined): number | undefined {
  if (value === undefined || !/^\s*\d+\s*$/.test(value)) {
    return undefined;
  }
  const seconds = Number(value);
  return seconds > 0 && Number.isSafeInteger(seconds * 1000) ? seconds * 1000 : undefined;
}

function positive(name: string, value: unknown): void {
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
    throw new FoxgloveError("ERR_CONFIGURATION", `${name} must be a positive number of ms`);
  }
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
