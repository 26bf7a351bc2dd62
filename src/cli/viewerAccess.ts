import { InvalidArgumentError, type Command } from "commander";
import { describeError, httpUrlProblem } from "../core/describeError.js";
import { FoxgloveError } from "../core/FoxgloveError.js";
import type { ApiServerAccess } from "../viewer/index.js";

/** The API server URL the CLI uses when neither `--api-url` nor `FOXGLOVE_API_URL` is given (local). */
export const DEFAULT_VIEWER_API_URL = "http://127.0.0.1:8780";

/** Flags shared by the viewer commands (`topics`, `echo`) as commander parses them. */
export interface ViewerAccessFlags {
  apiUrl?: string;
  device?: string;
  viewerKey?: string;
  timeout?: number;
  /** False with `--no-reconnect`; default true. */
  reconnect?: boolean;
}

/** The exit codes of the viewer commands (`topics`, `echo`, `record`, `snapshot`), for `--help`. */
export const VIEWER_EXIT_CODES_HELP =
  "\nExit codes: 0 done, or stopped by Ctrl-C/SIGTERM; 1 failed (API server unreachable or " +
  "not an API server, device unknown or offline, topic missing, connection lost); " +
  "130 a second Ctrl-C while stopping.";

/**
 * Adds `--api-url`, `--device`, `--viewer-key`, `--timeout` and `--no-reconnect` to a viewer
 * command, and its exit codes (default {@link VIEWER_EXIT_CODES_HELP}) to its help.
 */
export function addViewerAccessOptions(
  command: Command,
  exitCodesHelp = VIEWER_EXIT_CODES_HELP,
): Command {
  return command
    .addHelpText("after", exitCodesHelp)
    .option(
      "--api-url <url>",
      `device API server (env FOXGLOVE_API_URL, default ${DEFAULT_VIEWER_API_URL})`,
    )
    .option(
      "-d, --device <id-or-name>",
      "device to view (env FOXGLOVE_DEVICE; default: the server's only device)",
    )
    .option("--viewer-key <key>", "the API server's viewer key (env FOXGLOVE_VIEWER_KEY)")
    .option(
      "--timeout <ms>",
      "time allowed to reach the device, ms (default 20000)",
      positiveInteger,
    )
    .option("--no-reconnect", "end when this viewer loses its connection instead of rejoining");
}

/** Parses a whole number > 0 for commander. */
export function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n <= 0) {
    throw new InvalidArgumentError("expected a whole number > 0");
  }
  return n;
}

/** Parses a number of seconds > 0 (fractions allowed) for commander. */
export function seconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) {
    throw new InvalidArgumentError("expected a number of seconds > 0");
  }
  return n;
}

/**
 * The API server access described by flags over environment variables (`FOXGLOVE_API_URL`,
 * `FOXGLOVE_DEVICE`, `FOXGLOVE_VIEWER_KEY`) over defaults. `device` is empty when none was given
 * (see {@link resolveDevice}). Pure.
 */
export function viewerAccessFrom(
  flags: ViewerAccessFlags,
  env: Record<string, string | undefined>,
): ApiServerAccess {
  const nonEmpty = (v: string | undefined) => (v === undefined || v === "" ? undefined : v);
  const access: ApiServerAccess = {
    apiUrl: nonEmpty(flags.apiUrl) ?? nonEmpty(env.FOXGLOVE_API_URL) ?? DEFAULT_VIEWER_API_URL,
    device: nonEmpty(flags.device) ?? nonEmpty(env.FOXGLOVE_DEVICE) ?? "",
  };
  const key = nonEmpty(flags.viewerKey) ?? nonEmpty(env.FOXGLOVE_VIEWER_KEY);
  if (key !== undefined) {
    access.viewerKey = key;
  }
  return access;
}

/**
 * Fills in `access.device` when it is empty: the API server's only device. Throws FoxgloveError
 * `ERR_VALUE` (listing the devices) when the server has several or none, `ERR_API` when it
 * cannot be asked.
 */
export async function resolveDevice(
  access: ApiServerAccess,
  signal?: AbortSignal,
): Promise<ApiServerAccess> {
  if (access.device !== "") {
    return access;
  }
  const problem = httpUrlProblem(access.apiUrl);
  if (problem !== undefined) {
    throw new FoxgloveError("ERR_VALUE", `--api-url ${problem}`);
  }
  const url = new URL(
    "viewer/v1/devices",
    access.apiUrl.endsWith("/") ? access.apiUrl : `${access.apiUrl}/`,
  );
  const timeout = AbortSignal.timeout(10_000);
  let response: Response;
  let devices: { id: string; name: string }[] | undefined;
  try {
    response = await fetch(url, {
      headers:
        access.viewerKey === undefined ? {} : { authorization: `Bearer ${access.viewerKey}` },
      signal: signal === undefined ? timeout : AbortSignal.any([signal, timeout]),
    });
    devices = ((await response.json().catch(() => undefined)) as { devices?: [] } | undefined)
      ?.devices;
  } catch (error) {
    if (signal?.aborted === true) {
      throw new FoxgloveError("ERR_ABORTED", "listing the devices was aborted");
    }
    const why = timeout.aborted ? "timed out after 10 s" : describeError(error);
    throw new FoxgloveError("ERR_API", `cannot list the devices at ${url.href}: ${why}`);
  }
  if (!response.ok || !Array.isArray(devices)) {
    const hint =
      response.status === 401
        ? " (pass the server's viewer key with --viewer-key or FOXGLOVE_VIEWER_KEY)"
        : "; is this a foxglove-remote api-server? (`foxglove-remote api-server` prints its URL)";
    throw new FoxgloveError(
      "ERR_API",
      `cannot list the devices at ${url.href}: HTTP ${response.status}${hint}`,
    );
  }
  if (devices.length !== 1) {
    const names = devices.map((d) => `${d.id} (${d.name})`).join(", ") || "none";
    throw new FoxgloveError("ERR_VALUE", `choose a device with --device; the server has: ${names}`);
  }
  return { ...access, device: devices[0]!.id };
}

/** Parses a TCP port for commander: 0 (any free port) or 1..65535. */
export function parsePort(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    throw new InvalidArgumentError("expected a port number 0..65535");
  }
  return n;
}
