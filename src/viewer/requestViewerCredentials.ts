import { describeError, httpUrlProblem } from "../core/describeError.js";
import { FoxgloveError } from "../core/FoxgloveError.js";
import { LIBRARY_ID } from "../core/version.js";
import { redact } from "../core/redact.js";

/** How to ask a device API server (`foxglove-remote api-server`) for access to a device. */
export interface ApiServerAccess {
  /** Base URL of the API server, e.g. `http://127.0.0.1:8780`. */
  apiUrl: string;
  /** Device id or name. */
  device: string;
  /** The server's viewer key (sent as `Authorization: Bearer …`), if it requires one. Secret. */
  viewerKey?: string;
  /** Our LiveKit identity. Default: the server picks `viewer-<hex>`. */
  identity?: string;
  /** Our display name in the room. Default none. */
  name?: string;
  /**
   * `protocolVersion` attribute the server puts in our token. Default `2.2.0` (the server's
   * default); for tests of incompatible versions.
   */
  protocolVersion?: string;
  /** How long the server may wait for an offline device to come online, ms. Default: the server's (10 000). */
  deviceWaitMs?: number;
}

/** LiveKit credentials for one viewer, as the API server answers them. */
export interface ViewerCredentials {
  /** LiveKit server URL. */
  livekitUrl: string;
  /** LiveKit access token. Secret: never logged. */
  token: string;
  /** The device's participant identity in the room. */
  deviceIdentity: string;
  /** Our identity in the room. */
  viewerIdentity?: string;
  /** The room name. */
  room?: string;
  /** The remote access session id. */
  remoteAccessSessionId?: string;
  /** True when this request woke the device. */
  woke?: boolean;
}

/** Extra time allowed for the HTTP exchange on top of the device wait, ms. */
const REQUEST_SLACK_MS = 15_000;
/** Default device wait assumed for the request timeout when none is given, ms. */
const DEFAULT_DEVICE_WAIT_MS = 10_000;

/**
 * Asks the API server's viewer endpoint (`POST /viewer/v1/connect`) for LiveKit credentials to
 * `access.device`, waking the device if it is dormant. Rejects with FoxgloveError `ERR_VALUE` for a
 * bad URL, `ERR_API` when the server refuses or cannot be reached (the message carries the HTTP
 * status and the server's error name, never the viewer key or a token), `ERR_ABORTED` when
 * `signal` aborts.
 */
export async function requestViewerCredentials(
  access: ApiServerAccess,
  signal?: AbortSignal,
): Promise<ViewerCredentials> {
  const problem = httpUrlProblem(access.apiUrl);
  if (problem !== undefined) {
    throw new FoxgloveError("ERR_VALUE", `apiUrl ${problem}`);
  }
  const url = new URL(
    "viewer/v1/connect",
    access.apiUrl.endsWith("/") ? access.apiUrl : `${access.apiUrl}/`,
  );
  if (typeof access.device !== "string" || access.device === "") {
    throw new FoxgloveError("ERR_VALUE", "device (an id or name) is required");
  }
  const body: Record<string, unknown> = { device: access.device };
  if (access.identity !== undefined) body.identity = access.identity;
  if (access.name !== undefined) body.name = access.name;
  if (access.protocolVersion !== undefined) body.protocolVersion = access.protocolVersion;
  if (access.deviceWaitMs !== undefined) body.timeoutMs = access.deviceWaitMs;
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "user-agent": LIBRARY_ID,
  };
  if (access.viewerKey !== undefined && access.viewerKey !== "") {
    headers.authorization = `Bearer ${access.viewerKey}`;
  }
  const timeout = AbortSignal.timeout(
    (access.deviceWaitMs ?? DEFAULT_DEVICE_WAIT_MS) + REQUEST_SLACK_MS,
  );
  const combined = signal === undefined ? timeout : AbortSignal.any([signal, timeout]);
  const where = `${url.origin}${url.pathname}`;
  let response: Response;
  let text: string;
  try {
    response = await fetch(url, {
      method: "POST",
      headers,
      body: JSON.stringify(body),
      signal: combined,
    });
    text = await response.text();
  } catch (cause) {
    if (signal?.aborted === true) {
      throw new FoxgloveError("ERR_ABORTED", "the request for viewer credentials was aborted");
    }
    const why = timeout.aborted ? "timed out" : describeError(cause);
    throw new FoxgloveError("ERR_API", `cannot reach the API server at ${where}: ${why}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  if (!response.ok) {
    const info = json as { error?: unknown; message?: unknown } | undefined;
    const name = typeof info?.error === "string" ? ` ${info.error}` : "";
    const message =
      typeof info?.message === "string" ? `: ${redact(info.message, access.viewerKey)}` : "";
    throw new FoxgloveError(
      "ERR_API",
      `the API server at ${where} refused access to device "${access.device}" ` +
        `(HTTP ${response.status}${name})${message}${wrongService(response.status, json)}`,
    );
  }
  return parseCredentials(json);
}

/** Checks the 200 answer of the viewer endpoint. Throws FoxgloveError `ERR_API`. */
export function parseCredentials(json: unknown): ViewerCredentials {
  const a = json as Record<string, unknown> | undefined;
  const str = (k: string) => (typeof a?.[k] === "string" ? a[k] : undefined);
  const livekitUrl = str("livekitUrl");
  const token = str("token");
  const deviceIdentity = str("deviceIdentity");
  if (livekitUrl === undefined || token === undefined || deviceIdentity === undefined) {
    throw new FoxgloveError(
      "ERR_API",
      "the API server's answer lacks livekitUrl, token or deviceIdentity",
    );
  }
  const out: ViewerCredentials = { livekitUrl, token, deviceIdentity };
  const viewerIdentity = str("viewerIdentity");
  const room = str("room");
  const sessionId = str("remoteAccessSessionId");
  if (viewerIdentity !== undefined) out.viewerIdentity = viewerIdentity;
  if (room !== undefined) out.room = room;
  if (sessionId !== undefined) out.remoteAccessSessionId = sessionId;
  if (typeof a?.woke === "boolean") out.woke = a.woke;
  return out;
}

/** A hint when the answer does not come from a device API server (no JSON error body). */
function wrongService(status: number, json: unknown): string {
  if (json !== undefined && typeof (json as { error?: unknown }).error === "string") {
    return "";
  }
  return status === 404 || status === 405
    ? "; nothing there answers the viewer API: is the URL a foxglove-remote api-server?"
    : "; the answer is not from a device API server: is the URL right?";
}
