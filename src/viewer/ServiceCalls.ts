import type { FoxgloveError } from "../core/FoxgloveError.js";
import { log } from "../core/logger.js";
import { utf8Encode } from "../core/utf8.js";
import type {
  AdvertisedService,
  ServerInfo,
  ServiceCallFailure,
  ServiceCallResponse,
} from "../protocol/index.js";
import type { ActionFeature, SendToDevice } from "./ActionFeature.js";
import { checkTimeout, MAX_REQUESTS_IN_FLIGHT, PendingRequests } from "./PendingRequests.js";
import { ServiceCallError } from "./ServiceCallError.js";

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

const SERVICE_TIMEOUT_MS = 30_000;

/**
 * Service calls in flight (spec 4.3.2, 4.2.3, 3.2.10): u32 call ids, at most
 * {@link MAX_REQUESTS_IN_FLIGHT}, each settled by its response, its failure (typed as
 * {@link ServiceCallError}), a timeout, an abort, a reset or close.
 */
export class ServiceCalls implements ActionFeature {
  readonly #send: SendToDevice;
  readonly #calls = new PendingRequests<ServiceResponse, AdvertisedService>(
    MAX_REQUESTS_IN_FLIGHT,
    {
      timeout: (ms, s) =>
        new ServiceCallError("timeout", s.name, `service ${s.name}: no answer within ${ms} ms`),
      aborted: (s) => new ServiceCallError("aborted", s.name, `service call ${s.name} aborted`),
      tooMany: (n, s) =>
        new ServiceCallError(
          "tooManyRequests",
          s.name,
          `service ${s.name}: ${n} calls are already in flight`,
        ),
    },
  );

  constructor(send: SendToDevice) {
    this.#send = send;
  }

  /** Calls waiting for an answer. */
  get pending(): number {
    return this.#calls.size;
  }

  /**
   * Calls `target` among `services` on a device that announces `services` (`info`). Rejects
   * with {@link ServiceCallError}; throws FoxgloveError `ERR_VALUE` for a bad timeout.
   */
  async call(
    info: ServerInfo,
    services: Iterable<AdvertisedService>,
    target: string | number | AdvertisedService,
    request: Uint8Array | string,
    options: CallServiceOptions,
  ): Promise<ServiceResponse> {
    const service = findService([...services], target);
    const encoding = requestEncoding(info, service, options.encoding);
    const data = typeof request === "string" ? utf8Encode(request) : request;
    const timeoutMs = checkTimeout(options.timeoutMs ?? SERVICE_TIMEOUT_MS);
    const { answer } = this.#calls.start(service, { timeoutMs, signal: options.signal }, (key) =>
      this.#send({ op: "serviceCallRequest", serviceId: service.id, callId: key, encoding, data }),
    );
    return await answer;
  }

  /** Applies a `ServiceCallResponse` or `serviceCallFailure`; unmatched answers are dropped. */
  handle(message: ServiceCallResponse | ServiceCallFailure): void {
    const service = this.#calls.context(message.callId);
    if (service === undefined || service.id !== message.serviceId) {
      log.debug(`ignoring the answer to call ${message.callId}: not pending`);
    } else if (message.op === "serviceCallResponse") {
      const { encoding, data } = message;
      this.#calls.settle(message.callId, { service, encoding, data });
    } else {
      const error = ServiceCallError.fromFailure(service.name, message.message);
      this.#calls.fail(message.callId, error);
    }
  }

  restore(): void {
    // Nothing to renew: calls do not outlive the session.
  }

  reset(error: FoxgloveError): void {
    this.#calls.failAll(
      (s) => new ServiceCallError("disconnected", s.name, `service ${s.name}: ${error.message}`),
    );
  }

  close(error: FoxgloveError): void {
    this.reset(error);
  }
}

function findService(
  services: readonly AdvertisedService[],
  target: string | number | AdvertisedService,
): AdvertisedService {
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
