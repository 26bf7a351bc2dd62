import { FoxgloveError } from "../core/FoxgloveError.js";
import { log } from "../core/logger.js";
import type {
  ClientMessage,
  Parameter,
  ParameterValues,
  ServerInfo,
  Status,
} from "../protocol/index.js";
import type { ActionFeature, SendToDevice } from "./ActionFeature.js";
import {
  checkTimeout,
  MAX_REQUESTS_IN_FLIGHT,
  PendingRequests,
  requestErrors,
  type RequestOptions,
} from "./PendingRequests.js";
import { UpdateSubscription, type UpdateSubscriptionOptions } from "./UpdateSubscription.js";

const PARAMETER_TIMEOUT_MS = 10_000;
const ERRORS = requestErrors("parameters");

/**
 * A viewer's parameters (spec 3.3.5 to 3.3.8, 3.2.6): gets and sets correlated by their string
 * id (at most {@link MAX_REQUESTS_IN_FLIGHT}), and update subscriptions that share the device's
 * subscription per name, renewed after a device reset.
 */
export class ViewerParameters implements ActionFeature {
  readonly #send: SendToDevice;
  readonly #requests = new PendingRequests<Parameter[], ParameterRequest>(MAX_REQUESTS_IN_FLIGHT, {
    // A device reports a failed get or set as an error status without the request's id
    // (protocol.md 3.2.2), so the request can only time out; name what the device said.
    timeout: (ms, request) => {
      const error = ERRORS.timeout(ms, request.what);
      if (this.#errorSeq > request.errorSeq) {
        error.message += ` (meanwhile the device reported an error: ${this.#lastError})`;
      }
      return error;
    },
    aborted: (request) => ERRORS.aborted(request.what),
    tooMany: (n, request) => ERRORS.tooMany(n, request.what),
  });
  /** Error statuses without id received so far, and the text of the last one. */
  #errorSeq = 0;
  #lastError = "";
  /** Subscription → its names; name → how many subscriptions watch it. */
  readonly #subs = new Map<UpdateSubscription<Parameter[]>, ReadonlySet<string>>();
  readonly #names = new Map<string, number>();
  #closed = false;

  constructor(send: SendToDevice) {
    this.#send = send;
  }

  /** Gets and sets waiting for an answer. */
  get pending(): number {
    return this.#requests.size;
  }

  /** Reads parameters (all of them for an empty list). */
  async get(names: readonly string[], options: RequestOptions): Promise<Parameter[]> {
    const parameterNames = checkNames(names, true);
    return await this.#request("get", options, (id) => ({
      op: "getParameters",
      parameterNames,
      id,
    }));
  }

  /** Sets parameters; resolves with the values the device applied. */
  async set(parameters: readonly Parameter[], options: RequestOptions): Promise<Parameter[]> {
    if (parameters.length === 0) {
      throw new FoxgloveError("ERR_VALUE", "setParameters needs at least one parameter");
    }
    const list = [...parameters];
    return await this.#request("set", options, (id) => ({
      op: "setParameters",
      parameters: list,
      id,
    }));
  }

  /** Watches `names` (at least one); see `Viewer.subscribeParameterUpdates`. */
  subscribe(
    names: readonly string[],
    options: UpdateSubscriptionOptions<Parameter[]>,
  ): UpdateSubscription<Parameter[]> {
    const wanted = new Set(checkNames(names, false));
    const sub = new UpdateSubscription<Parameter[]>(options, (s) => this.#unsubscribe(s));
    if (!sub.active) {
      return sub; // aborted already
    }
    this.#subs.set(sub, wanted);
    const first: string[] = [];
    for (const name of wanted) {
      const count = this.#names.get(name) ?? 0;
      this.#names.set(name, count + 1);
      if (count === 0) {
        first.push(name);
      }
    }
    if (first.length > 0) {
      this.#send({ op: "subscribeParameterUpdates", parameterNames: first });
    }
    return sub;
  }

  /**
   * Notes a device status: an error without id may be the failure of a pending get or set, whose
   * timeout error then quotes it.
   */
  noteStatus(status: Status): void {
    if (status.level === 2 && status.id === undefined) {
      this.#errorSeq++;
      this.#lastError = status.message;
    }
  }

  /** Applies `parameterValues`: an answer (with id) or a push to the subscriptions. */
  handle(message: ParameterValues): void {
    if (message.id !== undefined) {
      const key = Number(message.id);
      if (!Number.isSafeInteger(key) || !this.#requests.settle(key, message.parameters)) {
        log.debug(`ignoring parameterValues for request ${message.id}: not pending`);
      }
      return;
    }
    for (const [sub, names] of this.#subs) {
      const mine = message.parameters.filter((p) => names.has(p.name));
      if (mine.length > 0) {
        sub.deliver(mine);
      }
    }
  }

  restore(info: ServerInfo): void {
    if (this.#names.size > 0 && info.capabilities.includes("parametersSubscribe")) {
      this.#send({ op: "subscribeParameterUpdates", parameterNames: [...this.#names.keys()] });
    }
  }

  reset(error: FoxgloveError): void {
    this.#requests.failAll(() => error);
  }

  close(error: FoxgloveError): void {
    this.#closed = true;
    this.#requests.failAll(() => error);
    for (const sub of this.#subs.keys()) {
      sub.end();
    }
    this.#subs.clear();
    this.#names.clear();
  }

  async #request(
    what: string,
    options: RequestOptions,
    message: (id: string) => ClientMessage,
  ): Promise<Parameter[]> {
    const timeoutMs = checkTimeout(options.timeoutMs ?? PARAMETER_TIMEOUT_MS);
    const request = { what, errorSeq: this.#errorSeq };
    const { answer } = this.#requests.start(request, { timeoutMs, signal: options.signal }, (key) =>
      this.#send(message(String(key))),
    );
    return await answer;
  }

  #unsubscribe(sub: UpdateSubscription<Parameter[]>): void {
    const names = this.#subs.get(sub);
    if (names === undefined) {
      return;
    }
    this.#subs.delete(sub);
    const last: string[] = [];
    for (const name of names) {
      const count = (this.#names.get(name) ?? 1) - 1;
      if (count === 0) {
        this.#names.delete(name);
        last.push(name);
      } else {
        this.#names.set(name, count);
      }
    }
    if (last.length > 0 && !this.#closed) {
      this.#send({ op: "unsubscribeParameterUpdates", parameterNames: last });
    }
  }
}

/** What a pending parameter request was started with. */
interface ParameterRequest {
  readonly what: string;
  /** The error-status count when it was sent. */
  readonly errorSeq: number;
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
