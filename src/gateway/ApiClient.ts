import { describeError } from "../core/describeError.js";
import { FoxgloveError } from "../core/FoxgloveError.js";
import { ApiError } from "./ApiError.js";
import { LIBRARY_ID } from "../core/version.js";
import { redact } from "../core/redact.js";

/** The Foxglove API used when no URL is configured. */
export const DEFAULT_API_URL = "https://api.foxglove.dev";
/** The API timeout used when none is configured, in milliseconds. */
export const DEFAULT_API_TIMEOUT_MS = 30_000;
/** Error bodies longer than this many bytes are not read. */
export const MAX_ERROR_BODY_BYTES = 16_384;

const DEVICE_INFO_PATH = "/internal/platform/v1/device-info";
const WATCH_PATH = "/internal/platform/v1/remote-sessions/watch";
const HEARTBEAT_PATH = "/internal/platform/v1/remote-sessions/watch/heartbeat";

/** Options of {@link ApiClient}. */
export interface ApiClientOptions {
  /** The device token (`fox_dt_...`), sent as `Authorization: DeviceToken <token>`. Secret. */
  readonly deviceToken: string;
  /** Base URL of the API, may carry a path prefix. Default {@link DEFAULT_API_URL}. */
  readonly baseUrl?: string;
  /**
   * Milliseconds allowed for device-info and heartbeat calls (whole request) and for the watch
   * until its response headers arrive. Default {@link DEFAULT_API_TIMEOUT_MS}.
   */
  readonly timeoutMs?: number;
  /** The `User-Agent` header. Default {@link LIBRARY_ID}. */
  readonly userAgent?: string;
}

/** The device, as the API describes it. */
export interface DeviceInfo {
  readonly id: string;
  readonly name: string;
  readonly projectId: string;
  /** How long recordings are kept, in seconds, when the API says. */
  readonly retainRecordingsSeconds: number | undefined;
}

/** Query parameters of the watch request; absent values are omitted. */
export interface WatchQuery {
  /** The remote access protocol version the device speaks, e.g. `2.2.0`. */
  readonly protocolVersion: string;
  /** The session ID fixed by the first wake that carried one. */
  readonly remoteAccessSessionId?: string | undefined;
  /** The lease of this device's previous watch, so the API can tell it from a competitor. */
  readonly previousWatchLeaseId?: string | undefined;
}

/**
 * A thin client of the three device endpoints of the Foxglove API. It makes no retries; every
 * failure is an {@link ApiError} (or `ERR_ABORTED` when the caller's signal aborted). The device
 * token never appears in messages, headers kept on errors, or logs.
 */
export class ApiClient {
  readonly #token: string;
  readonly #baseUrl: string;
  readonly #timeoutMs: number;
  readonly #userAgent: string;

  constructor(options: ApiClientOptions) {
    this.#token = options.deviceToken;
    this.#baseUrl = options.baseUrl ?? DEFAULT_API_URL;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_API_TIMEOUT_MS;
    this.#userAgent = options.userAgent ?? LIBRARY_ID;
  }

  /** The API timeout in milliseconds. */
  get timeoutMs(): number {
    return this.#timeoutMs;
  }

  /** The absolute URL of `path` (joined to the base with exactly one `/`). */
  urlFor(path: string): string {
    return `${this.#baseUrl.replace(/\/+$/, "")}/${path.replace(/^\/+/, "")}`;
  }

  /** GET device-info. Throws {@link ApiError} (`parseResponse` for a body of the wrong shape). */
  async deviceInfo(signal?: AbortSignal): Promise<DeviceInfo> {
    const what = "device-info request";
    return await this.#withDeadline(what, signal, async (s) => {
      const res = await this.#fetch(what, this.urlFor(DEVICE_INFO_PATH), { method: "GET" }, s);
      let text: string;
      try {
        text = await res.text();
      } catch (e) {
        throw s.aborted
          ? e
          : new ApiError("loadResponseBytes", `${what}: reading the body failed`, { cause: e });
      }
      return parseDeviceInfo(text, what);
    });
  }

  /**
   * POST a heartbeat for `watchLeaseId`. Any 2xx is success and its body is ignored.
   * Throws {@link ApiError}; its `status` tells 409, 410 and 401 apart.
   */
  async heartbeat(watchLeaseId: string, signal?: AbortSignal): Promise<void> {
    const what = "heartbeat request";
    await this.#withDeadline(what, signal, async (s) => {
      const res = await this.#fetch(
        what,
        this.urlFor(HEARTBEAT_PATH),
        {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ watchLeaseId }),
        },
        s,
      );
      await res.body?.cancel().catch(() => undefined);
    });
  }

  /**
   * GET the watch event stream. Resolves with the response once its headers arrive with a 2xx
   * status (the timeout covers only that far); the body stays open until `signal` aborts or the
   * server ends it. Throws {@link ApiError} for other statuses.
   */
  async openWatch(query: WatchQuery, signal: AbortSignal): Promise<Response> {
    const what = "watch request";
    const params = new URLSearchParams({ protocolVersion: query.protocolVersion });
    if (query.remoteAccessSessionId !== undefined) {
      params.set("remoteAccessSessionId", query.remoteAccessSessionId);
    }
    if (query.previousWatchLeaseId !== undefined) {
      params.set("previousWatchLeaseId", query.previousWatchLeaseId);
    }
    const url = `${this.urlFor(WATCH_PATH)}?${params.toString()}`;
    // The response body must stay tied to `signal` after the deadline is gone, so link it here.
    const stream = new AbortController();
    const forward = () => stream.abort(signal.reason);
    if (signal.aborted) {
      forward();
    } else {
      signal.addEventListener("abort", forward, { once: true });
    }
    return await this.#withDeadline(what, stream.signal, async (s) => {
      const res = await this.#fetch(
        what,
        url,
        { method: "GET", headers: { accept: "text/event-stream" } },
        s,
        stream.signal,
      );
      return res;
    });
  }

  /**
   * Runs `fn` with a signal that aborts when `signal` does or after the timeout, and turns
   * those aborts into `ERR_ABORTED` and `timeout` errors.
   */
  async #withDeadline<T>(
    what: string,
    signal: AbortSignal | undefined,
    fn: (signal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    if (signal?.aborted === true) {
      throw new FoxgloveError("ERR_ABORTED", `${what} aborted`, { cause: signal.reason });
    }
    const ctl = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      ctl.abort(new FoxgloveError("ERR_TIMEOUT", `${what} timed out`));
    }, this.#timeoutMs);
    const onAbort = () => ctl.abort(signal?.reason);
    signal?.addEventListener("abort", onAbort, { once: true });
    try {
      return await fn(ctl.signal);
    } catch (e) {
      if (e instanceof ApiError && e.status !== undefined) {
        throw e; // the status decides, even if the deadline hit while reading its body
      }
      if (timedOut) {
        throw new ApiError("timeout", `${what} timed out after ${this.#timeoutMs} ms`, {
          cause: e,
        });
      }
      if (ctl.signal.aborted) {
        throw new FoxgloveError("ERR_ABORTED", `${what} aborted`, { cause: signal?.reason });
      }
      throw e;
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    }
  }

  /** Sends one request; throws for transport failures and 4xx/5xx answers. */
  async #fetch(
    what: string,
    url: string,
    init: RequestInit & { headers?: Record<string, string> },
    signal: AbortSignal,
    bodySignal: AbortSignal = signal,
  ): Promise<Response> {
    const label = `${what} to ${url.split("?")[0]}`;
    let res: Response;
    try {
      res = await fetch(url, {
        ...init,
        headers: {
          ...init.headers,
          authorization: `DeviceToken ${this.#token}`,
          "user-agent": this.#userAgent,
        },
        // Headers race `signal` (deadline); the body lives as long as `bodySignal`.
        signal: bodySignal === signal ? signal : linked(signal, bodySignal),
      });
    } catch (e) {
      if (signal.aborted) {
        throw e;
      }
      throw new ApiError(
        "sendRequest",
        `${label} failed: ${redact(describeError(e), this.#token)}`,
        {
          cause: e,
        },
      );
    }
    if (res.status >= 400) {
      throw await this.#errorFromResponse(label, res);
    }
    return res;
  }

  async #errorFromResponse(what: string, res: Response): Promise<ApiError> {
    const status = res.status;
    const headers: Record<string, string> = {};
    res.headers.forEach((value, name) => {
      headers[name] = redact(value, this.#token);
    });
    const prefix = `${what} failed with HTTP ${status}`;
    const length = Number(res.headers.get("content-length") ?? "NaN");
    if (length > MAX_ERROR_BODY_BYTES) {
      await res.body?.cancel().catch(() => undefined);
      return new ApiError(
        "responseTooLarge",
        `${prefix} (error body of ${length} bytes not read)`,
        {
          status,
          headers,
        },
      );
    }
    const body = await readCapped(res, MAX_ERROR_BODY_BYTES);
    if (body === undefined) {
      return new ApiError(
        "responseTooLarge",
        `${prefix} (error body over ${MAX_ERROR_BODY_BYTES} bytes)`,
        {
          status,
          headers,
        },
      );
    }
    const text = redact(new TextDecoder().decode(body), this.#token);
    const parsed = parseErrorBody(text);
    if (parsed !== undefined) {
      const code = parsed.code === undefined ? "" : ` (${parsed.code})`;
      return new ApiError("errorResponse", `${prefix}: ${parsed.error}${code}`, {
        status,
        apiCode: parsed.code,
        headers,
      });
    }
    return new ApiError("malformedErrorResponse", `${prefix}: ${truncate(text, 200)}`, {
      status,
      headers,
    });
  }
}

/** A signal that aborts when either input aborts (its listeners go with the inputs). */
function linked(a: AbortSignal, b: AbortSignal): AbortSignal {
  const ctl = new AbortController();
  for (const s of [a, b]) {
    if (s.aborted) {
      ctl.abort(s.reason);
      break;
    }
    s.addEventListener("abort", () => ctl.abort(s.reason), { once: true });
  }
  return ctl.signal;
}

/** Reads at most `max` bytes of the body; undefined when it is longer. */
async function readCapped(res: Response, max: number): Promise<Uint8Array | undefined> {
  if (res.body === null) {
    return new Uint8Array(0);
  }
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const parts: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) {
        break;
      }
      total += value.length;
      if (total > max) {
        await reader.cancel().catch(() => undefined);
        return undefined;
      }
      parts.push(value);
    }
  } catch {
    // A broken error body still leaves a usable status.
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out.subarray(0, offset);
}

function parseErrorBody(text: string): { error: string; code: string | undefined } | undefined {
  try {
    const v: unknown = JSON.parse(text);
    if (typeof v !== "object" || v === null) {
      return undefined;
    }
    const { error, code } = v as { error?: unknown; code?: unknown };
    if (
      typeof error !== "string" ||
      (code !== undefined && code !== null && typeof code !== "string")
    ) {
      return undefined;
    }
    return { error, code: typeof code === "string" ? code : undefined };
  } catch {
    return undefined;
  }
}

function parseDeviceInfo(text: string, what: string): DeviceInfo {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new ApiError("parseResponse", `${what}: the body is not JSON`, { cause: e });
  }
  const o = (typeof v === "object" && v !== null ? v : {}) as Record<string, unknown>;
  const { id, name, projectId, retainRecordingsSeconds: retain } = o;
  if (typeof id !== "string" || typeof name !== "string" || typeof projectId !== "string") {
    throw new ApiError("parseResponse", `${what}: the body lacks string id, name or projectId`);
  }
  if (
    retain !== undefined &&
    retain !== null &&
    !(Number.isSafeInteger(retain) && (retain as number) >= 0)
  ) {
    throw new ApiError(
      "parseResponse",
      `${what}: retainRecordingsSeconds is not an unsigned integer`,
    );
  }
  return {
    id,
    name,
    projectId,
    retainRecordingsSeconds: typeof retain === "number" ? retain : undefined,
  };
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}
