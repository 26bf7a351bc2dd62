import { FoxgloveError } from "../core/FoxgloveError.js";

/** A device the API server knows, and the token it authenticates with. */
export interface ApiDevice {
  /** Device id, also its LiveKit participant identity (e.g. `dev_testdevice`). */
  id: string;
  /** Device name, answered by device-info and usable by viewers instead of the id. */
  name: string;
  /** The device token (`Authorization: DeviceToken <token>`). Never logged or recorded. */
  token: string;
  /** Answered by device-info. Default `prj_local`. */
  projectId?: string;
  /** Answered by device-info. Default `null`. */
  retainRecordingsSeconds?: number | null;
}

/** Where the LiveKit server is and how to sign tokens for it. */
export interface LiveKitServerConfig {
  /** LiveKit URL put in wakes and viewer answers. Default `ws://127.0.0.1:7880`. */
  url?: string;
  /** API key. Default `devkey` (livekit-server `--dev`). */
  apiKey?: string;
  /** API secret. Default `secret` (livekit-server `--dev`). */
  apiSecret?: string;
}

/** Options of `startApiServer`. Durations are milliseconds unless named otherwise. */
export interface ApiServerOptions {
  /** Interface to listen on. Default `127.0.0.1`. */
  host?: string;
  /** Port; 0 picks a free one. Default 0. */
  port?: number;
  /** The devices; ids, names and tokens must be unique and non-empty. Default none. */
  devices?: readonly ApiDevice[];
  /** LiveKit server and keys. Defaults suit `foxglove-remote livekit`. */
  livekit?: LiveKitServerConfig;
  /** `heartbeatIntervalMs` sent in `hello`. Default 5000 (gateways raise values below 1000). */
  heartbeatIntervalMs?: number;
  /** `deviceWaitForViewerMs` sent in `hello`. Default 300000 (gateways raise values below 5000). */
  deviceWaitForViewerMs?: number;
  /** Lease time to live, renewed by each heartbeat. Default 3 × max(heartbeatIntervalMs, 1000). */
  leaseTtlMs?: number;
  /** Interval of `: keepalive` comments on watch streams. Default `heartbeatIntervalMs`. */
  keepAliveIntervalMs?: number;
  /** Time to live of minted device LiveKit tokens, in seconds. Default 21600 (6 h). */
  tokenTtlSeconds?: number;
  /**
   * Time to live of viewer LiveKit tokens, in seconds: how long a token may be used to join (a
   * joined viewer stays). Default 3600 (1 h).
   */
  viewerTokenTtlSeconds?: number;
  /** Key viewers must send as `Authorization: Bearer <key>`. Default none: viewers are not checked. */
  viewerKey?: string;
  /**
   * CORS origin allowed to call the viewer endpoints from a browser (`*` or one origin, e.g.
   * `http://localhost:5173`); preflight requests are answered. Default none (no CORS headers).
   */
  viewerCorsOrigin?: string;
  /** How long a viewer request waits for an offline device to start watching. Default 10000. */
  viewerWaitMs?: number;
  /** Send a `wake` right after every `hello`, as the reference's mock does. Default false. */
  wakeOnWatch?: boolean;
  /**
   * Before giving a viewer the room of a running session, ask LiveKit whether the device is in
   * it; if it is not (and the wake is older than `sessionJoinGraceMs`) the session is over and the
   * device must be woken again. If LiveKit cannot be asked, the session is trusted. Default true.
   */
  checkSessionPresence?: boolean;
  /** How long after a wake a device may take to appear in its room. Default 15000. */
  sessionJoinGraceMs?: number;
  /** Clock for leases, nanoseconds since the Unix epoch. Default `nowNanos`. */
  clock?: () => bigint;
  /** How many request records to keep. Default 10000. */
  maxRecords?: number;
  /**
   * Most bytes the request records may hold (text as UTF-16 plus 256 bytes per record); the
   * oldest are dropped first. Default 4194304 (4 MiB).
   */
  maxRecordBytes?: number;
  /**
   * How long a client may take to send a request's headers before its socket is destroyed (408).
   * Default 10000. Checked every `min(1000, headersTimeoutMs / 4)` ms.
   */
  headersTimeoutMs?: number;
  /** How long a client may take to send a whole request (not the response). Default 30000. */
  requestTimeoutMs?: number;
  /** Aborting it stops the server. */
  signal?: AbortSignal;
}

/** {@link ApiServerOptions} with every default applied and values checked. */
export interface ResolvedApiServerOptions {
  readonly host: string;
  readonly port: number;
  readonly devices: readonly Required<ApiDevice>[];
  readonly livekit: Required<LiveKitServerConfig>;
  readonly heartbeatIntervalMs: number;
  readonly deviceWaitForViewerMs: number;
  readonly leaseTtlMs: number;
  readonly keepAliveIntervalMs: number;
  readonly tokenTtlSeconds: number;
  readonly viewerTokenTtlSeconds: number;
  readonly viewerKey: string | undefined;
  readonly viewerCorsOrigin: string | undefined;
  readonly viewerWaitMs: number;
  readonly wakeOnWatch: boolean;
  readonly checkSessionPresence: boolean;
  readonly sessionJoinGraceMs: number;
  readonly maxRecords: number;
  readonly maxRecordBytes: number;
  readonly headersTimeoutMs: number;
  readonly requestTimeoutMs: number;
}

/** Default LiveKit settings: the `livekit-server --dev` keys on the local default port. */
export const DEFAULT_LIVEKIT: Readonly<Required<LiveKitServerConfig>> = {
  url: "ws://127.0.0.1:7880",
  apiKey: "devkey",
  apiSecret: "secret",
};

/** The device of the reference SDK's test mock; handy for tests and local demos only. */
export const TEST_DEVICE: Readonly<Required<ApiDevice>> = {
  id: "dev_testdevice",
  name: "test-device",
  token: "fox_dt_testtoken",
  projectId: "prj_testproj",
  retainRecordingsSeconds: 3600,
};

function whole(name: string, value: number, min: number): number {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new FoxgloveError("ERR_CONFIGURATION", `${name} must be an integer >= ${min}`);
  }
  return value;
}

function text(name: string, value: unknown): string {
  if (typeof value !== "string" || value.length === 0 || value.length > 1024) {
    throw new FoxgloveError("ERR_CONFIGURATION", `${name} must be a non-empty string`);
  }
  return value;
}

/**
 * Applies defaults and checks options.
 *
 * @throws FoxgloveError `ERR_CONFIGURATION` naming the bad option (never a token's value).
 */
export function resolveApiServerOptions(options: ApiServerOptions = {}): ResolvedApiServerOptions {
  const devices = (options.devices ?? []).map((d, i): Required<ApiDevice> => {
    const retain = d.retainRecordingsSeconds ?? null;
    if (retain !== null) {
      whole(`devices[${i}].retainRecordingsSeconds`, retain, 0);
    }
    return {
      id: text(`devices[${i}].id`, d.id),
      name: text(`devices[${i}].name`, d.name),
      token: text(`devices[${i}].token`, d.token),
      projectId: text(`devices[${i}].projectId`, d.projectId ?? "prj_local"),
      retainRecordingsSeconds: retain,
    };
  });
  for (const key of ["id", "name", "token"] as const) {
    const seen = new Set<string>();
    for (const [i, d] of devices.entries()) {
      if (seen.has(d[key])) {
        throw new FoxgloveError("ERR_CONFIGURATION", `devices[${i}].${key} is not unique`);
      }
      seen.add(d[key]);
    }
  }
  const heartbeatIntervalMs = whole("heartbeatIntervalMs", options.heartbeatIntervalMs ?? 5000, 1);
  const viewerKey = options.viewerKey;
  const keepAliveIntervalMs = whole(
    "keepAliveIntervalMs",
    options.keepAliveIntervalMs ?? heartbeatIntervalMs,
    1,
  );
  if (keepAliveIntervalMs * 2 >= 5 * Math.max(heartbeatIntervalMs, 1000)) {
    // Gateways give up on a stream that is silent for 2.5 (clamped) heartbeat intervals.
    throw new FoxgloveError(
      "ERR_CONFIGURATION",
      "keepAliveIntervalMs must be below 2.5 x max(heartbeatIntervalMs, 1000)",
    );
  }
  const headersTimeoutMs = whole("headersTimeoutMs", options.headersTimeoutMs ?? 10_000, 100);
  const requestTimeoutMs = whole("requestTimeoutMs", options.requestTimeoutMs ?? 30_000, 100);
  if (requestTimeoutMs < headersTimeoutMs) {
    throw new FoxgloveError("ERR_CONFIGURATION", "requestTimeoutMs must be >= headersTimeoutMs");
  }
  return {
    host: options.host ?? "127.0.0.1",
    port: whole("port", options.port ?? 0, 0),
    devices,
    livekit: {
      url: text("livekit.url", options.livekit?.url ?? DEFAULT_LIVEKIT.url),
      apiKey: text("livekit.apiKey", options.livekit?.apiKey ?? DEFAULT_LIVEKIT.apiKey),
      apiSecret: text("livekit.apiSecret", options.livekit?.apiSecret ?? DEFAULT_LIVEKIT.apiSecret),
    },
    heartbeatIntervalMs,
    deviceWaitForViewerMs: whole(
      "deviceWaitForViewerMs",
      options.deviceWaitForViewerMs ?? 300_000,
      0,
    ),
    leaseTtlMs: whole(
      "leaseTtlMs",
      options.leaseTtlMs ?? 3 * Math.max(heartbeatIntervalMs, 1000),
      1,
    ),
    keepAliveIntervalMs,
    tokenTtlSeconds: whole("tokenTtlSeconds", options.tokenTtlSeconds ?? 21_600, 1),
    viewerTokenTtlSeconds: whole("viewerTokenTtlSeconds", options.viewerTokenTtlSeconds ?? 3600, 1),
    viewerKey: viewerKey === undefined ? undefined : text("viewerKey", viewerKey),
    viewerCorsOrigin:
      options.viewerCorsOrigin === undefined
        ? undefined
        : text("viewerCorsOrigin", options.viewerCorsOrigin),
    viewerWaitMs: whole("viewerWaitMs", options.viewerWaitMs ?? 10_000, 0),
    wakeOnWatch: options.wakeOnWatch ?? false,
    checkSessionPresence: options.checkSessionPresence ?? true,
    sessionJoinGraceMs: whole("sessionJoinGraceMs", options.sessionJoinGraceMs ?? 15_000, 0),
    maxRecords: whole("maxRecords", options.maxRecords ?? 10_000, 1),
    maxRecordBytes: whole("maxRecordBytes", options.maxRecordBytes ?? 4 * 1024 * 1024, 1024),
    headersTimeoutMs,
    requestTimeoutMs,
  };
}
