import { FoxgloveError } from "../core/FoxgloveError.js";
import { log } from "../core/logger.js";
import { utf8Encode } from "../core/utf8.js";
import type {
  AdvertisedService,
  ClientMessage,
  ConnectionGraphUpdate,
  FetchAssetResponse,
  Parameter,
  ParameterValues,
  ServerInfo,
  ServiceCallFailure,
  ServiceCallResponse,
} from "../protocol/index.js";
import { requireCapability } from "./CapabilityError.js";
import { ClientPublisher, type AdvertiseOptions } from "./ClientPublisher.js";
import {
  applyConnectionGraphUpdate,
  EMPTY_CONNECTION_GRAPH,
  type ConnectionGraph,
} from "./ConnectionGraphState.js";
import { PendingRequests, type PendingRequestErrors } from "./PendingRequests.js";
import { ServiceCallError } from "./ServiceCallError.js";
import { UpdateSubscription, type UpdateSubscriptionOptions } from "./UpdateSubscription.js";

/** Most requests of one kind in flight per viewer: the device's per-viewer limit (spec 5.5). */
export const MAX_REQUESTS_IN_FLIGHT = 32;

/** Options of `Viewer.callService`. */
export interface CallServiceOptions {
  /**
   * Encoding of the request. Default: the service's declared request encoding, else `json` when
   * the device supports it, else the device's first supported encoding.
   */
  encoding?: string;
  /** Time allowed for the answer, ms (default 30 000). */
  timeoutMs?: number;
  /** Aborting it rejects the call at once (`ServiceCallError` reason `aborted`). */
  signal?: AbortSignal;
}

/** The answer to a successful service call. */
export interface ServiceResponse {
  /** The service that answered. */
  readonly service: AdvertisedService;
  /** Encoding of `data` (the service's response encoding, else the request's). */
  readonly encoding: string;
  readonly data: Uint8Array;
}

/** Options of `getParameters`, `setParameters` and `fetchAsset`. */
export interface RequestOptions {
  /** Time allowed for the answer, ms (default 10 000 for parameters, 30 000 for assets). */
  timeoutMs?: number;
  /** Aborting it rejects the request at once (`ERR_ABORTED`). */
  signal?: AbortSignal;
}

/** What {@link ViewerActions} needs from the viewer core. */
export interface ViewerActionsPort {
  /** Sends a message to the device on the viewer's control stream. */
  send(message: ClientMessage): void;
  /** The device's current `serverInfo` (undefined while it resets the session). */
  serverInfo(): ServerInfo | undefined;
  /** The services the device advertises now. */
  services(): Iterable<AdvertisedService>;
  /** Bytes sent on the control stream but not yet on the wire. */
  backlogBytes(): number;
}

/**
 * Control-stream backlog above which `ClientPublisher.publish` drops the message instead of
 * queueing it (1 MiB): a device or link slower than the publisher loses the oldest commands'
 * successors rather than growing memory.
 */
export const MAX_PUBLISH_BACKLOG_BYTES = 1 << 20;

const SERVICE_TIMEOUT_MS = 30_000;
const PARAMETER_TIMEOUT_MS = 10_000;
const ASSET_TIMEOUT_MS = 30_000;
const MAX_CLIENT_CHANNELS = 4096;
const TOO_MANY_ASSET_FETCHES = "Too many concurrent fetch asset requests";

/**
 * The viewer's requests to the device (spec 3.3, 4.3), without I/O: client channels and their
 * messages, parameters, service calls, the connection graph and assets. Requests are correlated
 * by id and bounded ({@link MAX_REQUESTS_IN_FLIGHT} per kind); every one settles exactly once.
 * A device reset fails pending requests, and {@link restore} (on the next `serverInfo`)
 * advertises client channels and renews parameter and graph subscriptions. Each operation is
 * gated on the device's announced capabilities ({@link CapabilityError}).
 */
export class ViewerActions {
  readonly #port: ViewerActionsPort;
  readonly #publishers = new Map<number, ClientPublisher>();
  readonly #calls: PendingRequests<ServiceResponse, AdvertisedService>;
  readonly #parameters: PendingRequests<Parameter[], string>;
  readonly #assets: PendingRequests<Uint8Array, string>;
  /** Parameter subscription → its names; name → how many subscriptions watch it. */
  readonly #paramSubs = new Map<UpdateSubscription<Parameter[]>, ReadonlySet<string>>();
  readonly #paramNames = new Map<string, number>();
  readonly #graphSubs = new Set<UpdateSubscription<ConnectionGraph>>();
  #graph: ConnectionGraph | undefined;
  #nextClientChannel = 1;
  #closed: FoxgloveError | undefined;

  constructor(port: ViewerActionsPort) {
    this.#port = port;
    this.#calls = new PendingRequests(MAX_REQUESTS_IN_FLIGHT, {
      timeout: (ms, s) =>
        new ServiceCallError("timeout", s.name, `service ${s.name}: no answer within ${ms} ms`),
      aborted: (s) => new ServiceCallError("aborted", s.name, `service call ${s.name} aborted`),
      tooMany: (n, s) =>
        new ServiceCallError(
          "tooManyRequests",
          s.name,
          `service ${s.name}: ${n} calls are already in flight`,
        ),
    });
    this.#parameters = new PendingRequests(MAX_REQUESTS_IN_FLIGHT, requestErrors("parameters"));
    this.#assets = new PendingRequests(MAX_REQUESTS_IN_FLIGHT, requestErrors("asset"));
  }

  /** Client channels currently advertised, in id order. */
  get publishers(): ClientPublisher[] {
    return [...this.#publishers.values()].sort((a, b) => a.id - b.id);
  }

  /** The connection graph while someone subscribes to it and the device sent it; else undefined. */
  get connectionGraph(): ConnectionGraph | undefined {
    return this.#graph;
  }

  /** Requests waiting for an answer: service calls, parameter gets/sets, asset fetches. */
  get pending(): { calls: number; parameters: number; assets: number } {
    return {
      calls: this.#calls.size,
      parameters: this.#parameters.size,
      assets: this.#assets.size,
    };
  }

  // ---- client publish -------------------------------------------------------------------

  /**
   * Advertises a client channel (spec 3.3.3). Throws CapabilityError (`clientPublish`),
   * FoxgloveError `ERR_UNSUPPORTED_ENCODING` (encoding not in `supportedEncodings`), `ERR_VALUE`
   * (empty topic, too many channels), `ERR_ENCODE` (a text schema that is not UTF-8),
   * `ERR_CHANNEL_CLOSED`.
   */
  advertise(options: AdvertiseOptions): ClientPublisher {
    this.#checkOpen();
    const info = requireCapability(this.#port.serverInfo(), "clientPublish", "client publishing");
    checkClientEncoding(info, options.encoding);
    if (typeof options.topic !== "string" || options.topic === "") {
      throw new FoxgloveError("ERR_VALUE", "a client channel needs a non-empty topic");
    }
    if (this.#publishers.size >= MAX_CLIENT_CHANNELS) {
      throw new FoxgloveError("ERR_VALUE", `at most ${MAX_CLIENT_CHANNELS} client channels`);
    }
    const publisher = new ClientPublisher(this.#allocateClientChannel(), options, {
      publish: (p, data) => this.#publish(p, data),
      unadvertise: (p) => this.#unadvertise(p),
    });
    const wire = publisher.toWire(); // throws ERR_ENCODE before anything is registered
    this.#publishers.set(publisher.id, publisher);
    this.#port.send({ op: "advertise", channels: [wire] });
    return publisher;
  }

  #publish(publisher: ClientPublisher, data: Uint8Array): boolean {
    this.#checkOpen();
    const info = requireCapability(this.#port.serverInfo(), "clientPublish", "client publishing");
    checkClientEncoding(info, publisher.encoding);
    if (this.#port.backlogBytes() > MAX_PUBLISH_BACKLOG_BYTES) {
      return false;
    }
    this.#port.send({ op: "messageData", channelId: publisher.id, data });
    return true;
  }

  #unadvertise(publisher: ClientPublisher): void {
    if (this.#publishers.delete(publisher.id) && this.#closed === undefined) {
      this.#port.send({ op: "unadvertise", channelIds: [publisher.id] });
    }
  }

  #allocateClientChannel(): number {
    for (;;) {
      const id = this.#nextClientChannel;
      this.#nextClientChannel = id >= 0xffff_ffff ? 1 : id + 1;
      if (!this.#publishers.has(id)) {
        return id;
      }
    }
  }

  // ---- services ---------------------------------------------------------------------------

  /**
   * Calls a service by name, id, or advertised description (spec 4.3.2), with the request as
   * bytes or a string (sent as UTF-8). Resolves with the response; rejects with
   * CapabilityError (`services`) or {@link ServiceCallError} (see its reason table).
   */
  async callService(
    target: string | number | AdvertisedService,
    request: Uint8Array | string,
    options: CallServiceOptions = {},
  ): Promise<ServiceResponse> {
    this.#checkOpen();
    const info = requireCapability(this.#port.serverInfo(), "services", "service calls");
    const service = this.#findService(target);
    const encoding = requestEncoding(info, service, options.encoding);
    const data = typeof request === "string" ? utf8Encode(request) : request;
    const timeoutMs = checkTimeout(options.timeoutMs ?? SERVICE_TIMEOUT_MS);
    const { answer } = this.#calls.start(service, { timeoutMs, signal: options.signal }, (key) =>
      this.#port.send({
        op: "serviceCallRequest",
        serviceId: service.id,
        callId: key,
        encoding,
        data,
      }),
    );
    return await answer;
  }

  #findService(target: string | number | AdvertisedService): AdvertisedService {
    const services = [...this.#port.services()];
    const found =
      typeof target === "string"
        ? services.find((s) => s.name === target)
        : services.find((s) => s.id === (typeof target === "number" ? target : target.id));
    if (found === undefined) {
      const name = typeof target === "object" ? target.name : String(target);
      const known = services.map((s) => s.name).join(", ") || "none";
      throw new ServiceCallError(
        "unknownService",
        name,
        `the device does not advertise service ${name} (it has: ${known})`,
      );
    }
    return found;
  }

  #onServiceResponse(message: ServiceCallResponse): void {
    const service = this.#calls.context(message.callId);
    if (service === undefined || service.id !== message.serviceId) {
      log.debug(`ignoring a response to call ${message.callId}: not pending`);
      return;
    }
    this.#calls.settle(message.callId, {
      service,
      encoding: message.encoding,
      data: message.data,
    });
  }

  #onServiceFailure(message: ServiceCallFailure): void {
    const service = this.#calls.context(message.callId);
    if (service === undefined || service.id !== message.serviceId) {
      log.debug(`ignoring a failure of call ${message.callId}: not pending`);
      return;
    }
    this.#calls.fail(message.callId, ServiceCallError.fromFailure(service.name, message.message));
  }

  // ---- parameters -------------------------------------------------------------------------

  /**
   * Reads parameters (spec 3.3.5); an empty list asks for all of them (the device decides what
   * "all" is). Resolves with the values the device returned (unset ones left out). Rejects with
   * CapabilityError (`parameters`), FoxgloveError `ERR_TIMEOUT` (also when the device has no
   * parameter handler: it then never answers), `ERR_ABORTED`, `ERR_TOO_MANY_REQUESTS`,
   * `ERR_CHANNEL_CLOSED`.
   */
  async getParameters(
    names: readonly string[],
    options: RequestOptions = {},
  ): Promise<Parameter[]> {
    this.#checkOpen();
    requireCapability(this.#port.serverInfo(), "parameters", "parameters");
    const parameterNames = checkNames(names, true);
    return await this.#parameterRequest("get", options, (id) => ({
      op: "getParameters",
      parameterNames,
      id,
    }));
  }

  /**
   * Sets parameters (spec 3.3.6); a parameter without `value` is unset. Resolves with the values
   * the device applied. Rejects like {@link getParameters}.
   */
  async setParameters(
    parameters: readonly Parameter[],
    options: RequestOptions = {},
  ): Promise<Parameter[]> {
    this.#checkOpen();
    requireCapability(this.#port.serverInfo(), "parameters", "parameters");
    if (parameters.length === 0) {
      throw new FoxgloveError("ERR_VALUE", "setParameters needs at least one parameter");
    }
    const list = [...parameters];
    return await this.#parameterRequest("set", options, (id) => ({
      op: "setParameters",
      parameters: list,
      id,
    }));
  }

  async #parameterRequest(
    what: string,
    options: RequestOptions,
    message: (id: string) => ClientMessage,
  ): Promise<Parameter[]> {
    const timeoutMs = checkTimeout(options.timeoutMs ?? PARAMETER_TIMEOUT_MS);
    const { answer } = this.#parameters.start(what, { timeoutMs, signal: options.signal }, (key) =>
      this.#port.send(message(String(key))),
    );
    return await answer;
  }

  /**
   * Watches parameters (spec 3.3.7): each update is the batch of changed values among `names`.
   * Subscriptions share the device's subscription per name. Throws CapabilityError
   * (`parametersSubscribe`), FoxgloveError `ERR_VALUE` (no names), `ERR_CHANNEL_CLOSED`.
   */
  subscribeParameterUpdates(
    names: readonly string[],
    options: UpdateSubscriptionOptions<Parameter[]> = {},
  ): UpdateSubscription<Parameter[]> {
    this.#checkOpen();
    requireCapability(this.#port.serverInfo(), "parametersSubscribe", "parameter subscriptions");
    const wanted = new Set(checkNames(names, false));
    const sub = new UpdateSubscription<Parameter[]>(options, (s) => this.#unsubscribeParams(s));
    if (!sub.active) {
      return sub; // aborted already
    }
    this.#paramSubs.set(sub, wanted);
    const first: string[] = [];
    for (const name of wanted) {
      const count = this.#paramNames.get(name) ?? 0;
      this.#paramNames.set(name, count + 1);
      if (count === 0) {
        first.push(name);
      }
    }
    if (first.length > 0) {
      this.#port.send({ op: "subscribeParameterUpdates", parameterNames: first });
    }
    return sub;
  }

  #unsubscribeParams(sub: UpdateSubscription<Parameter[]>): void {
    const names = this.#paramSubs.get(sub);
    if (names === undefined || !this.#paramSubs.delete(sub)) {
      return;
    }
    const last: string[] = [];
    for (const name of names) {
      const count = (this.#paramNames.get(name) ?? 1) - 1;
      if (count === 0) {
        this.#paramNames.delete(name);
        last.push(name);
      } else {
        this.#paramNames.set(name, count);
      }
    }
    if (last.length > 0 && this.#closed === undefined) {
      this.#port.send({ op: "unsubscribeParameterUpdates", parameterNames: last });
    }
  }

  #onParameterValues(message: ParameterValues): void {
    if (message.id !== undefined) {
      const key = Number(message.id);
      if (!Number.isSafeInteger(key) || !this.#parameters.settle(key, message.parameters)) {
        log.debug(`ignoring parameterValues for request ${message.id}: not pending`);
      }
      return;
    }
    for (const [sub, names] of this.#paramSubs) {
      const mine = message.parameters.filter((p) => names.has(p.name));
      if (mine.length > 0) {
        sub.deliver(mine);
      }
    }
  }

  // ---- connection graph -------------------------------------------------------------------

  /**
   * Follows the device's connection graph (spec 3.3.9): each update is the whole graph, kept up
   * to date from the device's diffs; a later subscriber gets the current graph at once. Throws
   * CapabilityError (`connectionGraph`), FoxgloveError `ERR_CHANNEL_CLOSED`.
   */
  subscribeConnectionGraph(
    options: UpdateSubscriptionOptions<ConnectionGraph> = {},
  ): UpdateSubscription<ConnectionGraph> {
    this.#checkOpen();
    requireCapability(this.#port.serverInfo(), "connectionGraph", "the connection graph");
    const sub = new UpdateSubscription<ConnectionGraph>(options, (s) => this.#unsubscribeGraph(s));
    if (!sub.active) {
      return sub;
    }
    this.#graphSubs.add(sub);
    if (this.#graphSubs.size === 1) {
      this.#port.send({ op: "subscribeConnectionGraph" });
    } else if (this.#graph !== undefined) {
      sub.deliver(this.#graph);
    }
    return sub;
  }

  #unsubscribeGraph(sub: UpdateSubscription<ConnectionGraph>): void {
    if (!this.#graphSubs.delete(sub) || this.#graphSubs.size > 0) {
      return;
    }
    this.#graph = undefined;
    if (this.#closed === undefined) {
      this.#port.send({ op: "unsubscribeConnectionGraph" });
    }
  }

  #onGraphUpdate(update: ConnectionGraphUpdate): void {
    if (this.#graphSubs.size === 0) {
      return; // a late update after the last unsubscribe
    }
    const graph = applyConnectionGraphUpdate(this.#graph ?? EMPTY_CONNECTION_GRAPH, update);
    this.#graph = graph;
    for (const sub of this.#graphSubs) {
      sub.deliver(graph);
    }
  }

  // ---- assets -----------------------------------------------------------------------------

  /**
   * Fetches an asset by URI (spec 3.3.11), e.g. `package://robot/meshes/base.stl`. Resolves with
   * its bytes. Rejects with CapabilityError (`assets`), FoxgloveError `ERR_ASSET` (the device's
   * error text, e.g. not found), `ERR_TOO_MANY_REQUESTS`, `ERR_TIMEOUT`, `ERR_ABORTED`,
   * `ERR_CHANNEL_CLOSED`.
   */
  async fetchAsset(uri: string, options: RequestOptions = {}): Promise<Uint8Array> {
    this.#checkOpen();
    requireCapability(this.#port.serverInfo(), "assets", "assets");
    const timeoutMs = checkTimeout(options.timeoutMs ?? ASSET_TIMEOUT_MS);
    const { answer } = this.#assets.start(uri, { timeoutMs, signal: options.signal }, (key) =>
      this.#port.send({ op: "fetchAsset", requestId: key, uri }),
    );
    return await answer;
  }

  #onAsset(message: FetchAssetResponse): void {
    const uri = this.#assets.context(message.requestId);
    if (uri === undefined) {
      log.debug(`ignoring an asset response to request ${message.requestId}: not pending`);
    } else if (message.status === "success") {
      this.#assets.settle(message.requestId, message.data);
    } else {
      const code = message.error === TOO_MANY_ASSET_FETCHES ? "ERR_TOO_MANY_REQUESTS" : "ERR_ASSET";
      this.#assets.fail(
        message.requestId,
        new FoxgloveError(code, `asset ${uri}: ${message.error}`),
      );
    }
  }

  // ---- lifecycle --------------------------------------------------------------------------

  /** Applies a device answer or push (late answers to requests no longer pending are dropped). */
  handle(
    message:
      | ParameterValues
      | ConnectionGraphUpdate
      | ServiceCallResponse
      | ServiceCallFailure
      | FetchAssetResponse,
  ): void {
    if (this.#closed !== undefined) {
      return;
    }
    switch (message.op) {
      case "parameterValues":
        this.#onParameterValues(message);
        break;
      case "connectionGraphUpdate":
        this.#onGraphUpdate(message);
        break;
      case "serviceCallResponse":
        this.#onServiceResponse(message);
        break;
      case "serviceCallFailure":
        this.#onServiceFailure(message);
        break;
      case "fetchAssetResponse":
        this.#onAsset(message);
        break;
    }
  }

  /**
   * The device sent `serverInfo` on a new control stream: it knows nothing of this viewer, so
   * advertise the client channels again and renew parameter and graph subscriptions (each only
   * when the device still announces the capability).
   */
  restore(info: ServerInfo): void {
    if (this.#closed !== undefined) {
      return;
    }
    const can = (c: string) => info.capabilities.includes(c);
    const publishers = this.publishers.filter((p) => {
      try {
        checkClientEncoding(info, p.encoding);
        return can("clientPublish");
      } catch {
        return false;
      }
    });
    if (publishers.length > 0) {
      this.#port.send({ op: "advertise", channels: publishers.map((p) => p.toWire()) });
    }
    if (this.#paramNames.size > 0 && can("parametersSubscribe")) {
      this.#port.send({
        op: "subscribeParameterUpdates",
        parameterNames: [...this.#paramNames.keys()],
      });
    }
    if (this.#graphSubs.size > 0 && can("connectionGraph")) {
      this.#port.send({ op: "subscribeConnectionGraph" });
    }
  }

  /**
   * The device reset the session (a new control stream): requests in flight will never be
   * answered, so they fail with `ERR_CHANNEL_CLOSED`; the graph is forgotten until the device
   * sends it again. Handles stay; {@link restore} renews them.
   */
  reset(): void {
    const why = "the device reset the session before answering";
    this.#failPending(() => new FoxgloveError("ERR_CHANNEL_CLOSED", why));
    this.#graph = undefined;
  }

  /** Fails every request, ends every handle; later calls throw. Idempotent. */
  close(error?: FoxgloveError): void {
    if (this.#closed !== undefined) {
      return;
    }
    const closed = error ?? new FoxgloveError("ERR_CHANNEL_CLOSED", "the viewer closed");
    this.#closed = closed;
    this.#failPending(() => closed);
    for (const p of this.#publishers.values()) {
      p.end();
    }
    this.#publishers.clear();
    for (const sub of [...this.#paramSubs.keys(), ...this.#graphSubs]) {
      sub.end();
    }
    this.#paramSubs.clear();
    this.#paramNames.clear();
    this.#graphSubs.clear();
    this.#graph = undefined;
  }

  #failPending(error: () => FoxgloveError): void {
    this.#calls.failAll((service) => {
      const cause = error();
      return new ServiceCallError(
        "disconnected",
        service.name,
        `service ${service.name}: ${cause.message}`,
      );
    });
    this.#parameters.failAll(error);
    this.#assets.failAll(error);
  }

  #checkOpen(): void {
    if (this.#closed !== undefined) {
      throw new FoxgloveError("ERR_CHANNEL_CLOSED", "the viewer is closed");
    }
  }
}

function requestErrors(kind: string): PendingRequestErrors<string> {
  return {
    timeout: (ms: number, what: string) =>
      new FoxgloveError("ERR_TIMEOUT", `${kind} ${what}: no answer within ${ms} ms`),
    aborted: (what: string) => new FoxgloveError("ERR_ABORTED", `${kind} ${what} aborted`),
    tooMany: (n: number, what: string) =>
      new FoxgloveError(
        "ERR_TOO_MANY_REQUESTS",
        `${kind} ${what}: ${n} requests already in flight`,
      ),
  };
}

/** Throws `ERR_UNSUPPORTED_ENCODING` unless the device accepts client messages in `encoding`. */
function checkClientEncoding(info: ServerInfo, encoding: string): void {
  const supported = info.supportedEncodings ?? [];
  if (!supported.includes(encoding)) {
    throw new FoxgloveError(
      "ERR_UNSUPPORTED_ENCODING",
      `the device does not accept ${JSON.stringify(encoding)} messages (supported encodings: ${supported.join(", ") || "none"})`,
    );
  }
}

/** The request encoding of a call (spec 4.3.2 step 3), or a ServiceCallError. */
function requestEncoding(
  info: ServerInfo,
  service: AdvertisedService,
  requested: string | undefined,
): string {
  const declared = service.request?.encoding;
  const supported = info.supportedEncodings ?? [];
  const encoding = requested ?? declared ?? (supported.includes("json") ? "json" : supported[0]);
  const ok = declared !== undefined ? encoding === declared : supported.includes(encoding ?? "");
  if (encoding === undefined || !ok) {
    const accepted = declared ?? (supported.join(", ") || "none");
    throw new ServiceCallError(
      "unsupportedEncoding",
      service.name,
      `service ${service.name} does not accept ${JSON.stringify(encoding ?? "")} requests (accepted: ${accepted})`,
    );
  }
  return encoding;
}

function checkTimeout(ms: number): number {
  if (!(Number.isFinite(ms) && ms > 0)) {
    throw new FoxgloveError("ERR_VALUE", `timeoutMs must be a number > 0, got ${ms}`);
  }
  return ms;
}

function checkNames(names: readonly string[], allowEmpty: boolean): string[] {
  const list: unknown = names;
  if (!Array.isArray(list) || !list.every((n): n is string => typeof n === "string")) {
    throw new FoxgloveError("ERR_VALUE", "parameter names must be an array of strings");
  }
  if (!allowEmpty && list.length === 0) {
    throw new FoxgloveError("ERR_VALUE", "name at least one parameter");
  }
  return [...new Set(list)];
}
