import { FoxgloveError } from "../core/FoxgloveError.js";
import { log } from "../core/logger.js";
import type { Schema } from "../core/Schema.js";
import {
  encodeSchemaText,
  type AdvertisedService,
  type AdvertiseServices,
  type ServiceCallRequest,
  type ServiceMessageSchema,
  type UnadvertiseServices,
} from "../protocol/index.js";
import type { ViewerClient } from "./ViewerListener.js";
import { runViewerRequest, type HubViewer } from "./ViewerRequest.js";

/** The request or response side of a service: its message encoding and schema. */
export interface ServiceMessageDefinition {
  /** Message encoding of requests (or responses), e.g. `json`, `protobuf`. */
  readonly encoding: string;
  /** The schema; its text must be UTF-8 unless its encoding is binary (`protobuf`, `flatbuffer`). */
  readonly schema: Schema;
}

/** A call of a service, as its handler sees it. */
export interface ServiceRequest {
  /** The viewer that called. */
  readonly client: ViewerClient;
  /** The called service. */
  readonly service: { readonly id: number; readonly name: string };
  /** The viewer's call ID (u32). */
  readonly callId: number;
  /** Encoding of `payload`. */
  readonly encoding: string;
  /** The request; owned by the handler. */
  readonly payload: Uint8Array;
  /** Aborted when the viewer leaves or the call times out: stop working, nobody will read it. */
  readonly signal: AbortSignal;
}

/** A handler's answer with an explicit encoding (default: see {@link ServiceHandler}). */
export interface ServiceResponse {
  readonly data: Uint8Array;
  readonly encoding?: string | undefined;
}

/**
 * Answers one service call, synchronously or asynchronously. The response encoding is the
 * service's response encoding, else the request's, unless the handler returns one. A thrown error
 * (or rejection) fails the call with its message.
 */
export type ServiceHandler = (
  request: ServiceRequest,
) => Uint8Array | ServiceResponse | PromiseLike<Uint8Array | ServiceResponse>;

/** A service a device offers to viewers. */
export interface ServiceDefinition {
  /** Unique name, e.g. `/reset_odometry`. */
  readonly name: string;
  /** Service type name shown to viewers. Default the name. */
  readonly type?: string | undefined;
  /** Request encoding and schema. Without it, the gateway's `supportedEncodings` are accepted. */
  readonly request?: ServiceMessageDefinition | undefined;
  /** Response encoding and schema. */
  readonly response?: ServiceMessageDefinition | undefined;
  readonly handler: ServiceHandler;
}

/** A registered service. */
interface Entry {
  readonly id: number;
  readonly definition: ServiceDefinition;
  readonly advertised: AdvertisedService;
}

/** What {@link Services} needs from its owner. */
export interface ServicesOptions {
  /** Encodings accepted for requests of services that declare none. */
  readonly supportedEncodings: readonly string[];
  /** A call whose handler has not answered after this long (ms) fails. */
  readonly callTimeoutMs: number;
}

/**
 * The services a device offers (spec session 9.3; gateway 2.3): the registry by ID and name,
 * their advertisement, and the handling of calls: unknown service, encoding check, per-viewer
 * limit of calls in flight, the handler with a timeout, exactly one response or failure.
 */
export class Services {
  readonly #byId = new Map<number, Entry>();
  readonly #byName = new Map<string, Entry>();
  readonly #options: ServicesOptions;
  #nextId = 1;

  constructor(options: ServicesOptions) {
    this.#options = options;
  }

  /** Number of registered services. */
  get size(): number {
    return this.#byId.size;
  }

  /**
   * Registers services and returns their advertisement (undefined for an empty list).
   * `onDuplicate: "replace"` (start-up) lets a later definition of a name win with a warning;
   * `"throw"` (run time) refuses the batch.
   *
   * @throws FoxgloveError `ERR_DUPLICATE_SERVICE` (run time) for a name repeated in the batch or
   * already registered; `ERR_MISSING_REQUEST_ENCODING` for a service without a request encoding
   * while no supported encodings are configured; `ERR_VALUE` for a text schema that is not UTF-8.
   * Nothing is registered when it throws.
   */
  add(
    definitions: readonly ServiceDefinition[],
    onDuplicate: "replace" | "throw",
  ): AdvertiseServices | undefined {
    const batch = new Map<string, ServiceDefinition>();
    for (const d of definitions) {
      if (batch.has(d.name) || (onDuplicate === "throw" && this.#byName.has(d.name))) {
        if (onDuplicate === "throw") {
          throw new FoxgloveError("ERR_DUPLICATE_SERVICE", `duplicate service name: ${d.name}`);
        }
        log.warn(`service ${d.name} is defined twice; the last definition wins`);
      }
      if (d.request === undefined && this.#options.supportedEncodings.length === 0) {
        throw new FoxgloveError(
          "ERR_MISSING_REQUEST_ENCODING",
          `service ${d.name} has no request encoding and no supported encodings are configured`,
        );
      }
      batch.set(d.name, d);
    }
    const entries = [...batch.values()].map((d, i) => ({
      id: this.#nextId + i,
      definition: d,
      advertised: advertisedService(this.#nextId + i, d),
    }));
    this.#nextId += entries.length;
    const replaced = entries.flatMap((e) => this.#byName.get(e.definition.name)?.id ?? []);
    this.#forget(replaced);
    for (const e of entries) {
      this.#byId.set(e.id, e);
      this.#byName.set(e.definition.name, e);
    }
    return this.advertise(entries.map((e) => e.id));
  }

  /** Unregisters services by name (unknown names are ignored); their unadvertisement, if any. */
  remove(names: readonly string[]): UnadvertiseServices | undefined {
    const ids = names.flatMap((n) => this.#byName.get(n)?.id ?? []);
    this.#forget(ids);
    return ids.length === 0 ? undefined : { op: "unadvertiseServices", serviceIds: ids };
  }

  /** The `advertiseServices` of the given (default all) registered services, if any. */
  advertise(ids?: readonly number[]): AdvertiseServices | undefined {
    const services = (ids ?? [...this.#byId.keys()]).flatMap(
      (id) => this.#byId.get(id)?.advertised ?? [],
    );
    return services.length === 0 ? undefined : { op: "advertiseServices", services };
  }

  /**
   * Handles a `serviceCallRequest` (capability already checked): answers synchronously when the
   * call is refused or the handler is synchronous; otherwise the returned promise settles when
   * the call has ended.
   */
  call(viewer: HubViewer, message: ServiceCallRequest, isConnected: () => boolean): Promise<void> {
    const { serviceId, callId } = message;
    const failure = (text: string) =>
      ({ op: "serviceCallFailure", serviceId, callId, message: text }) as const;
    const entry = this.#byId.get(serviceId);
    if (entry === undefined) {
      viewer.connection.send(failure("Unknown service"));
      return Promise.resolve();
    }
    const { definition } = entry;
    const accepted =
      definition.request !== undefined
        ? definition.request.encoding === message.encoding
        : this.#options.supportedEncodings.includes(message.encoding);
    if (!accepted) {
      viewer.connection.send(failure("Unsupported encoding"));
      return Promise.resolve();
    }
    const permit = viewer.serviceCalls.tryAcquire();
    if (permit === undefined) {
      viewer.connection.send(failure("Too many requests"));
      return Promise.resolve();
    }
    const defaultEncoding = definition.response?.encoding ?? message.encoding;
    const seconds = this.#options.callTimeoutMs / 1000;
    return runViewerRequest({
      connection: viewer.connection,
      viewerSignal: viewer.signal,
      permit,
      timeoutMs: this.#options.callTimeoutMs,
      timeoutMessage: `Service ${definition.name} did not respond within ${seconds} s`,
      isConnected,
      run: (signal) =>
        definition.handler({
          client: viewer.client,
          service: { id: entry.id, name: definition.name },
          callId,
          encoding: message.encoding,
          payload: message.data,
          signal,
        }),
      reply: (response) => {
        const { data, encoding } =
          response instanceof Uint8Array
            ? { data: response, encoding: undefined }
            : ((response as ServiceResponse | undefined) ?? {
                data: undefined,
                encoding: undefined,
              });
        if (!(data instanceof Uint8Array)) {
          throw new Error("Internal server error: service handler returned no bytes");
        }
        return {
          op: "serviceCallResponse",
          serviceId,
          callId,
          encoding: encoding ?? defaultEncoding,
          data,
        };
      },
      fail: failure,
    });
  }

  #forget(ids: readonly number[]): void {
    for (const id of ids) {
      const e = this.#byId.get(id);
      if (e !== undefined) {
        this.#byId.delete(id);
        this.#byName.delete(e.definition.name);
      }
    }
  }
}

/** The wire form of a service: the object form per side when declared, else legacy `""`. */
function advertisedService(id: number, d: ServiceDefinition): AdvertisedService {
  const out: AdvertisedService = { id, name: d.name, type: d.type ?? d.name };
  const side = (m: ServiceMessageDefinition): ServiceMessageSchema => {
    try {
      return {
        encoding: m.encoding,
        schemaName: m.schema.name,
        schemaEncoding: m.schema.encoding,
        schema: encodeSchemaText(m.schema.encoding, m.schema.data),
      };
    } catch (error) {
      throw new FoxgloveError("ERR_VALUE", `service ${d.name}: ${(error as Error).message}`);
    }
  };
  if (d.request !== undefined) out.request = side(d.request);
  else out.requestSchema = "";
  if (d.response !== undefined) out.response = side(d.response);
  else out.responseSchema = "";
  return out;
}
