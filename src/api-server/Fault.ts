/** The endpoints of the API server that faults can be injected into. */
export type ApiEndpoint = "deviceInfo" | "watch" | "heartbeat" | "viewerDevices" | "viewerConnect";

/**
 * A scripted misbehaviour for one request. Faults that only make sense on the watch stream are
 * ignored (the request is served normally) on other endpoints.
 */
export type Fault =
  /** Answer `status` with `body` (a string as is, an object as JSON; default a JSON error). */
  | {
      readonly kind: "respond";
      readonly status: number;
      readonly body?: string | object;
      /** Default `application/json` for object bodies and the default body, else `text/plain`. */
      readonly contentType?: string;
    }
  /** Wait `ms` milliseconds, then serve the request normally. */
  | { readonly kind: "delay"; readonly ms: number }
  /** Never answer; the request stays open until the client gives up or the server stops. */
  | { readonly kind: "hang" }
  /** Destroy the connection without any response. */
  | { readonly kind: "reset" }
  /** Watch: send 200 SSE headers (and keep-alives if `keepAlive`, default true) but no `hello`. */
  | { readonly kind: "withholdHello"; readonly keepAlive?: boolean }
  /** Watch: send the `hello` only after `ms` milliseconds. */
  | { readonly kind: "delayHello"; readonly ms: number }
  /** Watch: send 200 SSE headers, then end the stream before any `hello`. */
  | { readonly kind: "eofBeforeHello" }
  /** Watch: send a `hello` event whose data is not valid JSON. */
  | { readonly kind: "malformedHello" }
  /** Watch: after the `hello`, send nothing at all (no keep-alives) so the client's read times out. */
  | { readonly kind: "stallAfterHello" }
  /** Watch: after the `hello` (and `afterMs`, default 0), end the stream cleanly or reset it. */
  | { readonly kind: "dropAfterHello"; readonly mode?: "end" | "reset"; readonly afterMs?: number };

/** Options of {@link FaultQueue.add}. */
export interface FaultOptions {
  /** How many matching requests the fault applies to. Default 1; `Infinity` for all. */
  times?: number;
  /** Apply only to requests authenticated as this device id. Default: any request. */
  deviceId?: string;
}

interface Entry {
  readonly fault: Fault;
  remaining: number;
  readonly deviceId: string | undefined;
}

/** Per-endpoint queues of faults, consumed in order by matching requests. Pure state. */
export class FaultQueue {
  readonly #queues = new Map<ApiEndpoint, Entry[]>();

  /** Queues `fault` for the next matching requests on `endpoint`. */
  add(endpoint: ApiEndpoint, fault: Fault, options: FaultOptions = {}): void {
    const times = options.times ?? 1;
    if (!(times >= 1)) {
      throw new RangeError("fault times must be at least 1");
    }
    const queue = this.#queues.get(endpoint) ?? [];
    queue.push({ fault, remaining: times, deviceId: options.deviceId });
    this.#queues.set(endpoint, queue);
  }

  /**
   * Takes the first fault queued for `endpoint` that matches `deviceId` (undefined when the
   * request is not authenticated as a device), or undefined when none does.
   */
  take(endpoint: ApiEndpoint, deviceId: string | undefined): Fault | undefined {
    const queue = this.#queues.get(endpoint);
    if (queue === undefined) {
      return undefined;
    }
    const index = queue.findIndex((e) => e.deviceId === undefined || e.deviceId === deviceId);
    const entry = queue[index];
    if (entry === undefined) {
      return undefined;
    }
    entry.remaining -= 1;
    if (entry.remaining <= 0) {
      queue.splice(index, 1);
    }
    return entry.fault;
  }

  /** How many uses are left for `endpoint` (all endpoints when omitted). */
  pending(endpoint?: ApiEndpoint): number {
    let total = 0;
    for (const [key, queue] of this.#queues) {
      if (endpoint === undefined || key === endpoint) {
        total += queue.reduce((sum, e) => sum + e.remaining, 0);
      }
    }
    return total;
  }

  /** Drops the faults of `endpoint`, or of every endpoint when omitted. */
  clear(endpoint?: ApiEndpoint): void {
    if (endpoint === undefined) {
      this.#queues.clear();
    } else {
      this.#queues.delete(endpoint);
    }
  }
}
