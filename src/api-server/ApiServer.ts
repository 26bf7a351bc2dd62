import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { isFoxgloveError } from "../core/FoxgloveError.js";
import { log } from "../core/logger.js";
import { nowNanos } from "../core/time.js";
import { ApiProblem } from "./ApiProblem.js";
import type { ApiServerEvents, WakeInfo } from "./ApiServerEvents.js";
import type { ApiDevice, ResolvedApiServerOptions } from "./ApiServerOptions.js";
import { DeviceHub } from "./DeviceHub.js";
import type { DeviceStatus, WakeOptions } from "./DeviceHub.js";
import { EventHub } from "./EventHub.js";
import type { WaitForOptions } from "./EventHub.js";
import { FaultQueue } from "./Fault.js";
import type { ApiEndpoint, Fault, FaultOptions } from "./Fault.js";
import {
  parseAuthorization,
  parseJsonBody,
  readBody,
  sendJson,
  sendProblem,
} from "./httpHelpers.js";
import type { EndedLease, Lease } from "./LeaseTable.js";
import { livekitPresence } from "./livekitPresence.js";
import { recordRequest, RequestLog } from "./RequestRecord.js";
import type { RequestRecord } from "./RequestRecord.js";
import { ROUTES } from "./routes.js";
import { parseViewerConnectRequest } from "./ViewerConnectRequest.js";
import { serveWatch } from "./serveWatch.js";
import type { WatchStream } from "./WatchStream.js";

/** Per-request bookkeeping for the record. */
interface Exchange {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly url: URL;
  readonly timeNs: bigint;
  readonly abort: AbortController;
  endpoint: ApiEndpoint | undefined;
  device: Required<ApiDevice> | undefined;
  watchLeaseId: string | undefined;
  fault: Fault | undefined;
  /** True once a viewer request passed the viewer key check (always, when no key is set). */
  viewerAuthenticated: boolean;
  recorded: boolean;
}

const hash = (text: string): Buffer => createHash("sha256").update(text, "utf8").digest();

/**
 * A running device API server: the Foxglove device endpoints (device-info, SSE watch,
 * heartbeat), a viewer endpoint, and controls for tests (faults, manual wakes, stream drops,
 * request records). Create it with `startApiServer`.
 */
export class ApiServer implements AsyncDisposable {
  /** Base URL, e.g. `http://127.0.0.1:41234` (no trailing slash). */
  readonly url: string;
  /** The port listened on. */
  readonly port: number;
  readonly #options: ResolvedApiServerOptions;
  readonly #server: Server;
  readonly #events = new EventHub<ApiServerEvents>();
  readonly #faults = new FaultQueue();
  readonly #log: RequestLog;
  readonly #hub: DeviceHub;
  readonly #viewerKeyHash: Buffer | undefined;
  readonly #exchanges = new Set<Exchange>();
  readonly #strayStreams = new Set<WatchStream>();
  #stopping: Promise<void> | undefined;

  /** @internal Use `startApiServer`. */
  constructor(options: ResolvedApiServerOptions, server: Server, clock: () => bigint) {
    this.#options = options;
    this.#server = server;
    this.#log = new RequestLog(options.maxRecords, options.maxRecordBytes);
    const { url, apiKey, apiSecret } = options.livekit;
    this.#hub = new DeviceHub(
      options,
      clock,
      this.#events,
      livekitPresence(url, apiKey, apiSecret),
    );
    this.#viewerKeyHash = options.viewerKey !== undefined ? hash(options.viewerKey) : undefined;
    const address = server.address() as AddressInfo;
    this.port = address.port;
    const host = options.host.includes(":") ? `[${options.host}]` : options.host;
    this.url = `http://${host}:${this.port}`;
    server.on("request", (req: IncomingMessage, res: ServerResponse) => this.#onRequest(req, res));
  }

  // ---- lifecycle ----

  /** Ends every watch stream and open request, and closes the server. Idempotent. */
  stop(): Promise<void> {
    this.#stopping ??= this.#stop();
    return this.#stopping;
  }

  /** Same as {@link stop}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }

  async #stop(): Promise<void> {
    this.#hub.close();
    for (const stream of this.#strayStreams) {
      stream.end();
    }
    for (const exchange of this.#exchanges) {
      exchange.abort.abort();
    }
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    this.#server.closeIdleConnections();
    // Let answers already written reach their clients, then cut what is left.
    setImmediate(() => this.#server.closeAllConnections());
    await closed;
  }

  // ---- observation ----

  /** The requests seen so far, oldest first (tokens redacted). */
  get requests(): RequestRecord[] {
    return this.#log.list();
  }

  /** Bytes the request records are charged now (bounded by `maxRecordBytes`). */
  get requestRecordBytes(): number {
    return this.#log.bytes;
  }

  /** Forgets the request records. */
  clearRequests(): void {
    this.#log.clear();
  }

  /** Calls `listener` on every `event`; returns a function that removes it. */
  on<K extends keyof ApiServerEvents>(
    event: K,
    listener: (value: ApiServerEvents[K]) => void,
  ): () => void {
    return this.#events.on(event, listener);
  }

  /**
   * Resolves with the next `event` passing `options.filter`.
   *
   * @throws FoxgloveError `ERR_TIMEOUT` after `options.timeoutMs` (default 10 s), `ERR_ABORTED`.
   */
  waitFor<K extends keyof ApiServerEvents>(
    event: K,
    options?: WaitForOptions<ApiServerEvents[K]>,
  ): Promise<ApiServerEvents[K]> {
    return this.#events.waitFor(event, options);
  }

  /** Every device with its phase (offline, dormant or session). */
  devices(): DeviceStatus[] {
    return this.#hub.list();
  }

  /** The active watch lease of a device (by id or name), if any. */
  activeLease(device: string): Lease | undefined {
    return this.#hub.activeLease(this.#deviceId(device));
  }

  // ---- controls ----

  /** Queues `fault` for the next request(s) on `endpoint`. */
  injectFault(endpoint: ApiEndpoint, fault: Fault, options?: FaultOptions): void {
    this.#faults.add(endpoint, fault, options);
  }

  /** Drops queued faults of `endpoint`, or of all endpoints. */
  clearFaults(endpoint?: ApiEndpoint): void {
    this.#faults.clear(endpoint);
  }

  /** How many queued fault uses remain for `endpoint` (or all endpoints). */
  pendingFaults(endpoint?: ApiEndpoint): number {
    return this.#faults.pending(endpoint);
  }

  /**
   * Wakes a dormant device (by id or name) now, as a viewer request would.
   *
   * @throws ApiProblem (`ERR_API`) `device_not_watching`, `unknown_device`, `livekit_token`.
   */
  wake(device: string, options?: WakeOptions): Promise<WakeInfo> {
    return this.#hub.wake(this.#deviceId(device), options);
  }

  /** Writes a raw event on a device's open watch stream; false if it has none. */
  sendEvent(device: string, event: string, data: string): boolean {
    return this.#hub.watchOf(this.#deviceId(device))?.sendEvent(event, data) ?? false;
  }

  /** Writes a comment line on a device's open watch stream; false if it has none. */
  sendComment(device: string, text: string): boolean {
    return this.#hub.watchOf(this.#deviceId(device))?.sendComment(text) ?? false;
  }

  /**
   * Closes a device's watch stream, cleanly (`end`, default) or abruptly (`reset`). The lease
   * stays active until it expires or is handed over. False if there was no open stream.
   */
  dropWatch(device: string, mode: "end" | "reset" = "end"): boolean {
    const watch = this.#hub.watchOf(this.#deviceId(device));
    if (watch === undefined) {
      return false;
    }
    if (mode === "end") {
      watch.end();
    } else {
      watch.reset();
    }
    return true;
  }

  /** Stops the keep-alives of a device's watch stream so it goes silent; false if none. */
  stallWatch(device: string): boolean {
    const watch = this.#hub.watchOf(this.#deviceId(device));
    watch?.stopKeepAlive();
    return watch !== undefined;
  }

  /** Ends a device's active lease now (reason `revoked`) and closes its stream. */
  endLease(device: string): EndedLease | undefined {
    return this.#hub.endLease(this.#deviceId(device));
  }

  /** Forgets a device's session so the next viewer wakes it again. */
  endSession(device: string): void {
    this.#hub.endSession(this.#deviceId(device));
  }

  /** Expires leases past their time to live on the server's clock (for injected clocks). */
  checkLeases(): void {
    this.#hub.checkLeases();
  }

  #deviceId(device: string): string {
    const found = this.#hub.resolve(device);
    if (found === undefined) {
      throw new ApiProblem(404, "unknown_device", `no device has the id or name "${device}"`);
    }
    return found.id;
  }

  // ---- HTTP ----

  #onRequest(req: IncomingMessage, res: ServerResponse): void {
    const exchange: Exchange = {
      req,
      res,
      url: new URL("http://invalid/"),
      timeNs: nowNanos(),
      abort: new AbortController(),
      endpoint: undefined,
      device: undefined,
      watchLeaseId: undefined,
      fault: undefined,
      viewerAuthenticated: false,
      recorded: false,
    };
    this.#exchanges.add(exchange);
    res.once("close", () => {
      this.#exchanges.delete(exchange);
      exchange.abort.abort();
      this.#record(exchange, res.headersSent ? res.statusCode : 0);
    });
    this.#handle(exchange).catch((error: unknown) => this.#fail(exchange, error));
  }

  #fail(exchange: Exchange, error: unknown): void {
    if (error instanceof ApiProblem) {
      this.#respond(exchange, error);
      if (error.status === 413) {
        exchange.res.once("finish", () => exchange.req.destroy());
      }
      return;
    }
    if (isFoxgloveError(error, "ERR_ABORTED") || exchange.abort.signal.aborted) {
      return; // the client left or the server is stopping
    }
    log.error(`api-server: ${exchange.req.method} ${exchange.url.pathname} failed`, error);
    this.#respond(exchange, new ApiProblem(500, "internal_error", "internal server error"));
  }

  #respond(exchange: Exchange, problem: ApiProblem): void;
  #respond(exchange: Exchange, status: number, body: unknown): void;
  #respond(exchange: Exchange, a: ApiProblem | number, body?: unknown): void {
    if (a instanceof ApiProblem) {
      if (a.status === 413) {
        exchange.res.setHeader("Connection", "close");
      }
      sendProblem(exchange.res, a);
    } else {
      sendJson(exchange.res, a, body);
    }
    this.#record(exchange, exchange.res.headersSent ? exchange.res.statusCode : 0);
  }

  #record(exchange: Exchange, status: number): void {
    if (exchange.recorded) {
      return;
    }
    exchange.recorded = true;
    const record: RequestRecord = recordRequest({
      seq: this.#log.nextSeq(),
      timeNs: exchange.timeNs,
      method: exchange.req.method,
      url: exchange.url,
      endpoint: exchange.endpoint,
      status,
      authenticated: exchange.device !== undefined || exchange.viewerAuthenticated,
      deviceId: exchange.device?.id,
      authorization: exchange.req.headers.authorization,
      userAgent: exchange.req.headers["user-agent"],
      watchLeaseId: exchange.watchLeaseId,
      fault: exchange.fault?.kind,
    });
    this.#log.push(record);
    this.#events.emit("request", record);
  }

  async #handle(exchange: Exchange): Promise<void> {
    const { req } = exchange;
    let url: URL;
    try {
      url = new URL(req.url ?? "/", "http://api-server.invalid");
    } catch {
      throw new ApiProblem(400, "bad_request", "the request target is not a valid URL");
    }
    (exchange as { url: URL }).url = url;
    const route = ROUTES.get(url.pathname);
    if (route === undefined) {
      throw new ApiProblem(404, "not_found", `no endpoint at ${url.pathname}`);
    }
    exchange.endpoint = route.endpoint;
    const isDevice = !route.endpoint.startsWith("viewer");
    const cors = this.#options.viewerCorsOrigin;
    if (!isDevice && cors !== undefined) {
      exchange.res.setHeader("Access-Control-Allow-Origin", cors);
      exchange.res.setHeader("Vary", "Origin");
      if (req.method === "OPTIONS") {
        exchange.res.writeHead(204, {
          "Access-Control-Allow-Methods": route.method,
          "Access-Control-Allow-Headers": "Authorization, Content-Type",
          "Access-Control-Max-Age": "600",
        });
        exchange.res.end();
        this.#record(exchange, 204);
        return;
      }
    }
    if (req.method !== route.method) {
      exchange.res.setHeader("Allow", route.method);
      throw new ApiProblem(
        405,
        "method_not_allowed",
        `${url.pathname} answers ${route.method} only`,
      );
    }
    if (isDevice) {
      const auth = parseAuthorization(req.headers.authorization);
      exchange.device =
        auth?.scheme.toLowerCase() === "devicetoken"
          ? this.#hub.byToken(auth.credential)
          : undefined;
    }
    const fault = this.#faults.take(route.endpoint, exchange.device?.id);
    if (fault !== undefined) {
      exchange.fault = fault;
      if (await this.#applyGenericFault(exchange, fault)) {
        return;
      }
    }
    if (!isDevice) {
      this.#checkViewerKey(req);
      exchange.viewerAuthenticated = true;
    }
    const device = exchange.device;
    if (isDevice && device === undefined) {
      throw new ApiProblem(
        401,
        "unauthorized",
        "a valid 'Authorization: DeviceToken <token>' is required",
      );
    }
    switch (route.endpoint) {
      case "deviceInfo":
        this.#respond(exchange, 200, {
          id: device?.id,
          name: device?.name,
          projectId: device?.projectId,
          retainRecordingsSeconds: device?.retainRecordingsSeconds,
        });
        return;
      case "watch":
        await this.#watch(exchange, device as Required<ApiDevice>);
        return;
      case "heartbeat":
        await this.#heartbeat(exchange, device as Required<ApiDevice>);
        return;
      case "viewerDevices":
        this.#respond(exchange, 200, { devices: await this.#hub.listFresh() });
        return;
      case "viewerConnect":
        await this.#viewerConnect(exchange);
        return;
    }
  }

  /** Applies a fault that any endpoint supports; true when the request is fully handled. */
  async #applyGenericFault(exchange: Exchange, fault: Fault): Promise<boolean> {
    const { res } = exchange;
    switch (fault.kind) {
      case "respond": {
        const body = fault.body ?? { error: "injected_fault", message: `injected ${fault.status}` };
        const text = typeof body === "string" ? body : JSON.stringify(body);
        const type =
          fault.contentType ?? (typeof body === "string" ? "text/plain" : "application/json");
        res.writeHead(fault.status, {
          "Content-Type": type,
          "Content-Length": Buffer.byteLength(text),
        });
        res.end(text);
        this.#record(exchange, fault.status);
        return true;
      }
      case "delay":
        await sleep(fault.ms, undefined, { signal: exchange.abort.signal });
        return false;
      case "hang":
        this.#record(exchange, 0);
        return true;
      case "reset":
        this.#record(exchange, 0);
        res.socket?.resetAndDestroy();
        return true;
      case "withholdHello":
      case "delayHello":
      case "eofBeforeHello":
      case "malformedHello":
      case "stallAfterHello":
      case "dropAfterHello":
        return false;
    }
  }

  #checkViewerKey(req: IncomingMessage): void {
    if (this.#viewerKeyHash === undefined) {
      return;
    }
    const auth = parseAuthorization(req.headers.authorization);
    const ok =
      auth !== undefined &&
      auth.scheme.toLowerCase() === "bearer" &&
      timingSafeEqual(hash(auth.credential), this.#viewerKeyHash);
    if (!ok) {
      throw new ApiProblem(
        401,
        "unauthorized",
        "a valid 'Authorization: Bearer <viewer key>' is required",
      );
    }
  }

  async #heartbeat(exchange: Exchange, device: Required<ApiDevice>): Promise<void> {
    const body = parseJsonBody(await readBody(exchange.req));
    const leaseId = (body as { watchLeaseId?: unknown } | null)?.watchLeaseId;
    if (typeof leaseId !== "string" || leaseId.length === 0 || leaseId.length > 256) {
      throw new ApiProblem(400, "bad_request", 'the body must be {"watchLeaseId": "<lease id>"}');
    }
    exchange.watchLeaseId = leaseId;
    switch (this.#hub.heartbeat(device.id, leaseId)) {
      case "ok":
        this.#respond(exchange, 200, {});
        return;
      case "conflict":
        throw new ApiProblem(409, "lease_conflict", "another watch holds this device's lease");
      case "gone":
        throw new ApiProblem(410, "lease_gone", "this watch lease is no longer active");
    }
  }

  async #viewerConnect(exchange: Exchange): Promise<void> {
    const body = parseJsonBody(await readBody(exchange.req));
    const request = parseViewerConnectRequest(body, this.#options.viewerWaitMs);
    if ("problem" in request) {
      throw new ApiProblem(400, "bad_request", request.problem);
    }
    const answer = await this.#hub.connectViewer(request, exchange.abort.signal);
    this.#respond(exchange, 200, answer);
  }

  async #watch(exchange: Exchange, device: Required<ApiDevice>): Promise<void> {
    await serveWatch({
      res: exchange.res,
      params: exchange.url.searchParams,
      deviceId: device.id,
      fault: exchange.fault,
      hub: this.#hub,
      keepAliveMs: this.#options.keepAliveIntervalMs,
      strays: this.#strayStreams,
      onHeaders: () => this.#record(exchange, 200),
      signal: exchange.abort.signal,
    });
  }
}
