import { FoxgloveError } from "../core/FoxgloveError.js";
import type {
  AdvertisedService,
  Capability,
  ClientMessage,
  ConnectionGraphUpdate,
  FetchAssetResponse,
  Parameter,
  ParameterValues,
  ServerInfo,
  ServiceCallFailure,
  ServiceCallResponse,
  Status,
} from "../protocol/index.js";
import type { ActionFeature } from "./ActionFeature.js";
import { AssetFetches } from "./AssetFetches.js";
import { requireCapability } from "./CapabilityError.js";
import type { AdvertiseOptions, ClientPublisher } from "./ClientPublisher.js";
import { ClientPublishers } from "./ClientPublishers.js";
import { ConnectionGraphSubscriptions } from "./ConnectionGraphSubscriptions.js";
import type { ConnectionGraph } from "./ConnectionGraphState.js";
import type { RequestOptions } from "./PendingRequests.js";
import { ServiceCalls, type CallServiceOptions, type ServiceResponse } from "./ServiceCalls.js";
import type { UpdateSubscription, UpdateSubscriptionOptions } from "./UpdateSubscription.js";
import { ViewerParameters } from "./ViewerParameters.js";

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

/** Capability gating as data: each operation → the capability it needs and how errors name it. */
const GATES = {
  advertise: ["clientPublish", "client publishing"],
  callService: ["services", "service calls"],
  getParameters: ["parameters", "parameters"],
  setParameters: ["parameters", "parameters"],
  subscribeParameterUpdates: ["parametersSubscribe", "parameter subscriptions"],
  subscribeConnectionGraph: ["connectionGraph", "the connection graph"],
  fetchAsset: ["assets", "assets"],
} as const satisfies Record<string, readonly [Capability, string]>;

/**
 * The viewer's requests to the device (spec 3.3, 4.3), without I/O: client channels and their
 * messages, service calls, parameters, the connection graph and assets, one feature class each.
 * This class gates every operation on the device's announced capabilities ({@link GATES},
 * `CapabilityError`), routes the device's answers, and tells every feature about resets
 * (pending requests fail with `ERR_CHANNEL_CLOSED`; {@link restore} renews client channels and
 * subscriptions on the next `serverInfo`) and close.
 */
export class ViewerActions {
  readonly #port: ViewerActionsPort;
  readonly #publishers: ClientPublishers;
  readonly #calls: ServiceCalls;
  readonly #parameters: ViewerParameters;
  readonly #graph: ConnectionGraphSubscriptions;
  readonly #assets: AssetFetches;
  readonly #features: readonly ActionFeature[];
  #closed = false;

  constructor(port: ViewerActionsPort) {
    this.#port = port;
    const send = (message: ClientMessage) => port.send(message);
    this.#publishers = new ClientPublishers(
      send,
      () => port.serverInfo(),
      () => port.backlogBytes(),
    );
    this.#calls = new ServiceCalls(send);
    this.#parameters = new ViewerParameters(send);
    this.#graph = new ConnectionGraphSubscriptions(send);
    this.#assets = new AssetFetches(send);
    this.#features = [this.#publishers, this.#calls, this.#parameters, this.#graph, this.#assets];
  }

  /** Client channels currently advertised, in id order. */
  get publishers(): ClientPublisher[] {
    return this.#publishers.list;
  }

  /** The connection graph while someone subscribes to it and the device sent it; else undefined. */
  get connectionGraph(): ConnectionGraph | undefined {
    return this.#graph.graph;
  }

  /** Requests waiting for an answer: service calls, parameter gets/sets, asset fetches. */
  get pending(): { calls: number; parameters: number; assets: number } {
    return {
      calls: this.#calls.pending,
      parameters: this.#parameters.pending,
      assets: this.#assets.pending,
    };
  }

  /** See `Viewer.advertise`. */
  advertise(options: AdvertiseOptions): ClientPublisher {
    return this.#publishers.advertise(this.#gate("advertise"), options);
  }

  /** See `Viewer.callService`. */
  async callService(
    target: string | number | AdvertisedService,
    request: Uint8Array | string,
    options: CallServiceOptions = {},
  ): Promise<ServiceResponse> {
    const info = this.#gate("callService");
    return await this.#calls.call(info, this.#port.services(), target, request, options);
  }

  /** See `Viewer.getParameters`. */
  async getParameters(
    names: readonly string[],
    options: RequestOptions = {},
  ): Promise<Parameter[]> {
    this.#gate("getParameters");
    return await this.#parameters.get(names, options);
  }

  /** See `Viewer.setParameters`. */
  async setParameters(
    parameters: readonly Parameter[],
    options: RequestOptions = {},
  ): Promise<Parameter[]> {
    this.#gate("setParameters");
    return await this.#parameters.set(parameters, options);
  }

  /** See `Viewer.subscribeParameterUpdates`. */
  subscribeParameterUpdates(
    names: readonly string[],
    options: UpdateSubscriptionOptions<Parameter[]> = {},
  ): UpdateSubscription<Parameter[]> {
    this.#gate("subscribeParameterUpdates");
    return this.#parameters.subscribe(names, options);
  }

  /** See `Viewer.subscribeConnectionGraph`. */
  subscribeConnectionGraph(
    options: UpdateSubscriptionOptions<ConnectionGraph> = {},
  ): UpdateSubscription<ConnectionGraph> {
    this.#gate("subscribeConnectionGraph");
    return this.#graph.subscribe(options);
  }

  /** See `Viewer.fetchAsset`. */
  async fetchAsset(uri: string, options: RequestOptions = {}): Promise<Uint8Array> {
    this.#gate("fetchAsset");
    return await this.#assets.fetch(uri, options);
  }

  /** Applies a device answer or push (late answers to requests no longer pending are dropped). */
  handle(
    message:
      | ParameterValues
      | ConnectionGraphUpdate
      | ServiceCallResponse
      | ServiceCallFailure
      | FetchAssetResponse
      | Status,
  ): void {
    if (this.#closed) {
      return;
    }
    switch (message.op) {
      case "status":
        this.#parameters.noteStatus(message);
        break;
      case "parameterValues":
        this.#parameters.handle(message);
        break;
      case "connectionGraphUpdate":
        this.#graph.handle(message);
        break;
      case "serviceCallResponse":
      case "serviceCallFailure":
        this.#calls.handle(message);
        break;
      case "fetchAssetResponse":
        this.#assets.handle(message);
        break;
    }
  }

  /**
   * The device sent `serverInfo` on a new control stream: it knows nothing of this viewer, so
   * advertise the client channels again and renew parameter and graph subscriptions (each only
   * when the device still announces the capability).
   */
  restore(info: ServerInfo): void {
    if (!this.#closed) {
      this.#features.forEach((f) => f.restore(info));
    }
  }

  /**
   * The device reset the session (a new control stream): requests in flight will never be
   * answered, so they fail with `ERR_CHANNEL_CLOSED`; the graph is forgotten until the device
   * sends it again. Handles stay; {@link restore} renews them.
   */
  reset(): void {
    const error = new FoxgloveError(
      "ERR_CHANNEL_CLOSED",
      "the device reset the session before answering",
    );
    this.#features.forEach((f) => f.reset(error));
  }

  /** Fails every request, ends every handle; later calls throw. Idempotent. */
  close(error?: FoxgloveError): void {
    if (this.#closed) {
      return;
    }
    this.#closed = true;
    const closed = error ?? new FoxgloveError("ERR_CHANNEL_CLOSED", "the viewer closed");
    this.#features.forEach((f) => f.close(closed));
  }

  /** Throws unless the viewer is open and the device announces what `op` needs. */
  #gate(op: keyof typeof GATES): ServerInfo {
    if (this.#closed) {
      throw new FoxgloveError("ERR_CHANNEL_CLOSED", "the viewer is closed");
    }
    const [capability, what] = GATES[op];
    return requireCapability(this.#port.serverInfo(), capability, what);
  }
}
