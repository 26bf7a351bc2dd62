import type {
  GetParameters,
  Parameter,
  ParameterValues,
  SetParameters,
} from "../protocol/index.js";
import { ParameterSubscriptions } from "./ParameterSubscriptions.js";
import type { ViewerKey } from "./ViewerConnection.js";
import type { NotifyListener, ViewerClient } from "./ViewerListener.js";
import { runViewerRequest, type HubViewer } from "./ViewerRequest.js";

/** What a {@link ParameterHandler} learns about a request. */
export interface ParameterRequestContext {
  /** The viewer that asked. */
  readonly client: ViewerClient;
  /** The viewer's request ID, if it gave one (a reply goes back only then, for a set). */
  readonly requestId: string | undefined;
  /** Aborted when the viewer leaves or the request times out. */
  readonly signal: AbortSignal;
}

/**
 * The device's parameters, answered synchronously or asynchronously. A thrown error (or
 * rejection) is shown to the viewer as an error status with its message.
 */
export interface ParameterHandler {
  /** The current values of `names` (all parameters when empty). Unset values are left out. */
  getParameters(
    names: string[],
    context: ParameterRequestContext,
  ): Parameter[] | PromiseLike<Parameter[]>;
  /**
   * Applies a viewer's changes (a parameter without `value` means unset) and returns the
   * resulting values. They go back to the requester when it gave an ID; other subscribed viewers
   * learn of them only through `publishParameterValues`.
   */
  setParameters(
    parameters: Parameter[],
    context: ParameterRequestContext,
  ): Parameter[] | PromiseLike<Parameter[]>;
}

/** What {@link Parameters} needs from its owner. */
export interface ParametersOptions {
  /** The device's handler; without one, the hub keeps a parameter store (see the class). */
  readonly handler: ParameterHandler | undefined;
  /** A request whose handler has not answered after this long (ms) fails. */
  readonly timeoutMs: number;
  /** Calls the listener (`onParametersSubscribe` / `onParametersUnsubscribe`). */
  readonly notify: NotifyListener;
}

/**
 * Parameters (spec session 9.4): get/set through the device's {@link ParameterHandler}, update
 * subscriptions per name, and publishing values to the viewers subscribed to them.
 *
 * Without a handler the hub is a simple parameter store (a deliberate deviation: the reference
 * never answers a get then): it holds the values the device published and the viewers set; a get
 * answers from it (every parameter for an empty name list); a set stores the values (an unset
 * value deletes), echoes them to the requester when it gave an ID, and publishes them to every
 * subscribed viewer.
 */
export class Parameters {
  /** Update subscriptions by name. */
  readonly subscriptions = new ParameterSubscriptions();
  readonly #options: ParametersOptions;
  readonly #store = new Map<string, Parameter>();

  constructor(options: ParametersOptions) {
    this.#options = options;
  }

  /** Handles `subscribeParameterUpdates`: `onParametersSubscribe` for names new to everyone. */
  subscribe(viewer: HubViewer, names: readonly string[]): void {
    const first = this.subscriptions.subscribe(viewer.connection.clientId, names);
    if (first.length > 0) {
      this.#options.notify("onParametersSubscribe", (l) => l.onParametersSubscribe?.(first));
    }
  }

  /** Handles `unsubscribeParameterUpdates` (and a viewer's removal when `names` is undefined). */
  unsubscribe(viewer: HubViewer, names?: readonly string[]): void {
    const key = viewer.connection.clientId;
    const last =
      names === undefined
        ? this.subscriptions.removeSubscriber(key)
        : this.subscriptions.unsubscribe(key, names);
    if (last.length > 0) {
      this.#options.notify("onParametersUnsubscribe", (l) => l.onParametersUnsubscribe?.(last));
    }
  }

  /** Handles `getParameters`; see {@link ParameterHandler.getParameters}. */
  get(viewer: HubViewer, message: GetParameters, isConnected: () => boolean): Promise<void> {
    const handler = this.#options.handler;
    return this.#request(viewer, message.id, isConnected, (context) =>
      handler === undefined
        ? this.#fromStore(message.parameterNames)
        : handler.getParameters(message.parameterNames, context),
    );
  }

  /**
   * Handles `setParameters`. Without a handler, `publish` is called with the stored values
   * (to notify subscribers).
   */
  set(
    viewer: HubViewer,
    message: SetParameters,
    isConnected: () => boolean,
    publish: (parameters: Parameter[]) => void,
  ): Promise<void> {
    const handler = this.#options.handler;
    if (handler === undefined) {
      this.store(message.parameters);
      const values = message.parameters.filter((p) => p.value !== undefined);
      if (message.id !== undefined) {
        viewer.connection.send(parameterValues(values, message.id));
      }
      publish(values);
      return Promise.resolve();
    }
    return this.#request(
      viewer,
      message.id,
      isConnected,
      (context) => handler.setParameters(message.parameters, context),
      message.id === undefined,
    );
  }

  /** Remembers values in the store (no handler only); a parameter without value is deleted. */
  store(parameters: readonly Parameter[]): void {
    if (this.#options.handler !== undefined) {
      return;
    }
    for (const p of parameters) {
      if (p.value === undefined) this.#store.delete(p.name);
      else this.#store.set(p.name, p);
    }
  }

  /** The `parameterValues` push for subscriber `key`: its subscribed subset, or undefined. */
  pushFor(key: ViewerKey, parameters: readonly Parameter[]): ParameterValues | undefined {
    const subset = parameters.filter(
      (p) => p.value !== undefined && this.subscriptions.isSubscribed(key, p.name),
    );
    return subset.length === 0 ? undefined : parameterValues(subset);
  }

  #fromStore(names: readonly string[]): Parameter[] {
    if (names.length === 0) {
      return [...this.#store.values()];
    }
    return names.flatMap((n) => this.#store.get(n) ?? []);
  }

  #request(
    viewer: HubViewer,
    requestId: string | undefined,
    isConnected: () => boolean,
    run: (context: ParameterRequestContext) => Parameter[] | PromiseLike<Parameter[]>,
    silent = false,
  ): Promise<void> {
    const permit = viewer.parameterRequests.tryAcquire();
    const error = (message: string) => ({ op: "status", level: 2, message }) as const;
    if (permit === undefined) {
      viewer.connection.send(error("Too many concurrent parameter requests"));
      return Promise.resolve();
    }
    return runViewerRequest({
      connection: viewer.connection,
      viewerSignal: viewer.signal,
      permit,
      timeoutMs: this.#options.timeoutMs,
      timeoutMessage: `Parameter handler did not respond within ${this.#options.timeoutMs / 1000} s`,
      isConnected,
      run: (signal) => run({ client: viewer.client, requestId, signal }),
      reply: (values) => {
        if (!Array.isArray(values)) {
          throw new Error("Internal server error: parameter handler failed to send a response");
        }
        return silent
          ? undefined
          : parameterValues(
              values.filter((p) => p.value !== undefined),
              requestId,
            );
      },
      fail: error,
    });
  }
}

function parameterValues(parameters: Parameter[], id?: string): ParameterValues {
  return id === undefined
    ? { op: "parameterValues", parameters }
    : { op: "parameterValues", parameters, id };
}
