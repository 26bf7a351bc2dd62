import { FoxgloveError } from "../core/FoxgloveError.js";
import { log } from "../core/logger.js";
import { redact } from "../core/redact.js";
import type { Parameter } from "../protocol/index.js";
import type { ConnectionGraph } from "../remote/ConnectionGraph.js";
import type { ServiceDefinition } from "../remote/Services.js";
import type { ViewerHub } from "../remote/ViewerHub.js";
import { ApiClient, DEFAULT_API_URL, type DeviceInfo } from "./ApiClient.js";
import { ApiError } from "./ApiError.js";
import { sleep, systemClock, type Clock } from "./Clock.js";
import type { ConnectionStatus } from "./ConnectionStatus.js";
import type { GatewayConfig } from "./gatewayConfig.js";
import type { GatewayListener, GatewayStatus } from "./GatewayOptions.js";
import { idleExpired, nextIdleSince } from "./idleTimer.js";
import {
  startLifecycle,
  stepLifecycle,
  type GatewayStopReason,
  type LifecycleCommand,
  type LifecycleEvent,
  type LifecycleStep,
} from "./lifecycle.js";
import type { JoinRoom, RoomSession } from "./RoomSession.js";
import { Watch } from "./Watch.js";
import { WatchError } from "./WatchError.js";

/** What a {@link RemoteAccessGateway} is built from (see `startGateway`). */
export interface RemoteAccessGatewayInit {
  readonly config: GatewayConfig;
  readonly joinRoom: JoinRoom;
  readonly listener?: Partial<GatewayListener> | undefined;
  readonly clock?: Clock | undefined;
  readonly signal?: AbortSignal | undefined;
  /** The viewer hub: owned by the gateway, opened by each room that serves viewers. */
  readonly hub: ViewerHub;
}

interface Waiter {
  readonly status: ConnectionStatus;
  readonly resolve: () => void;
  readonly reject: (error: FoxgloveError) => void;
}

type Raced<T> = { readonly ok: true; readonly value: T } | { readonly ok: false };

/**
 * A device on Foxglove remote access: watches the API while dormant, joins the LiveKit room
 * when woken, and returns to dormant when the room ends or stays without viewers. Create it
 * with `startGateway`; it runs in the background until {@link stop}, its signal, or a 401.
 */
export class RemoteAccessGateway implements AsyncDisposable {
  readonly #config: GatewayConfig;
  readonly #client: ApiClient;
  readonly #joinRoom: JoinRoom;
  readonly #listener: Partial<GatewayListener> | undefined;
  readonly #clock: Clock;
  readonly #hub: ViewerHub;
  readonly #ctl = new AbortController();
  readonly #done: Promise<void>;
  #status: ConnectionStatus = "connecting";
  #waiters: Waiter[] = [];
  #stopReason: GatewayStopReason | undefined;
  #deviceInfo: DeviceInfo | undefined;
  #sessionId: string | undefined;
  #watch: Watch | undefined;
  #session: RoomSession | undefined;

  /** @internal Use `startGateway`. Starts the run loop at once; makes no call synchronously. */
  constructor(init: RemoteAccessGatewayInit) {
    this.#config = init.config;
    this.#client = new ApiClient({
      deviceToken: init.config.deviceToken,
      baseUrl: init.config.apiUrl,
      timeoutMs: init.config.apiTimeoutMs,
    });
    this.#joinRoom = init.joinRoom;
    this.#listener = init.listener;
    this.#clock = init.clock ?? systemClock;
    this.#hub = init.hub;
    const signal = init.signal;
    if (signal !== undefined) {
      if (signal.aborted) {
        this.#ctl.abort();
      } else {
        signal.addEventListener("abort", () => this.#ctl.abort(), { once: true });
      }
    }
    this.#done = this.#run();
  }

  /** The current connection status; starts as `connecting`. */
  get connectionStatus(): ConnectionStatus {
    return this.#status;
  }

  /** Why the gateway ended (`stopped` or `unauthorized`), or undefined while it runs. */
  get stopReason(): GatewayStopReason | undefined {
    return this.#stopReason;
  }

  /** The device as the API described it, once fetched. */
  get deviceInfo(): DeviceInfo | undefined {
    return this.#deviceInfo;
  }

  /** The remote access session ID fixed by the first wake that carried one. */
  get remoteAccessSessionId(): string | undefined {
    return this.#sessionId;
  }

  /**
   * Shows a status to every viewer connected at this moment (not stored: viewers who join later do
   * not see it). Does nothing while no viewer is connected.
   */
  publishStatus(status: GatewayStatus): void {
    this.#hub.publishStatus(status);
  }

  /** Retracts statuses by ID from the viewers connected at this moment. */
  removeStatus(ids: readonly string[]): void {
    this.#hub.removeStatus(ids);
  }

  /**
   * Offers more services to viewers (now and after later wakes).
   *
   * @throws FoxgloveError `ERR_SERVICES_NOT_SUPPORTED` without the `services` capability (it is
   * on when services were given at start), `ERR_DUPLICATE_SERVICE` for a name repeated or already
   * offered, `ERR_MISSING_REQUEST_ENCODING` for a service without a request encoding while no
   * `supportedEncodings` are configured, `ERR_VALUE` for a text schema that is not UTF-8.
   */
  addServices(services: readonly ServiceDefinition[]): void {
    this.#hub.addServices(services);
  }

  /** Withdraws services by name; unknown names are ignored. */
  removeServices(names: readonly string[]): void {
    this.#hub.removeServices(names);
  }

  /**
   * Sends parameter values to the connected viewers subscribed to them. Without a
   * `parameterHandler` they are also kept in the gateway's parameter store. Needs the
   * `parameters` capability (otherwise logged and ignored).
   */
  publishParameterValues(parameters: readonly Parameter[]): void {
    this.#hub.publishParameterValues(parameters);
  }

  /**
   * Replaces the connection graph: subscribed viewers get the difference, later subscribers
   * the whole graph (it is kept across wakes).
   *
   * @throws FoxgloveError `ERR_CONNECTION_GRAPH_NOT_SUPPORTED` without the `connectionGraph`
   * capability.
   */
  publishConnectionGraph(graph: ConnectionGraph): void {
    this.#hub.publishConnectionGraph(graph);
  }

  /** The viewer hub this gateway serves through (channels, viewers, services). */
  get hub(): ViewerHub {
    return this.#hub;
  }

  /**
   * Resolves once the status is `status` (at once if it already is).
   *
   * @throws FoxgloveError `ERR_ABORTED` when `options.signal` aborts, or when the gateway shuts
   * down without reaching `status`.
   */
  waitForStatus(status: ConnectionStatus, options: { signal?: AbortSignal } = {}): Promise<void> {
    if (this.#status === status) {
      return Promise.resolve();
    }
    if (this.#status === "shutdown") {
      return Promise.reject(this.#neverReached(status));
    }
    const { signal } = options;
    if (signal?.aborted === true) {
      return Promise.reject(new FoxgloveError("ERR_ABORTED", `waiting for "${status}" aborted`));
    }
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        this.#waiters = this.#waiters.filter((w) => w !== waiter);
        reject(new FoxgloveError("ERR_ABORTED", `waiting for "${status}" aborted`));
      };
      const waiter: Waiter = {
        status,
        resolve: () => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        },
        reject: (e) => {
          signal?.removeEventListener("abort", onAbort);
          reject(e);
        },
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.#waiters.push(waiter);
    });
  }

  /**
   * Stops the gateway and resolves once it is `shutdown`: a watch or join is abandoned at once;
   * a room is closed within the room-close timeout (5 s). Idempotent.
   */
  async stop(): Promise<void> {
    this.#ctl.abort();
    await this.#done;
  }

  /** Same as {@link stop}. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }

  async #run(): Promise<void> {
    let step: LifecycleStep = startLifecycle(this.#config.timings);
    try {
      for (;;) {
        this.#report(step.statuses);
        if (step.sessionIdConflict !== undefined) {
          log.warn(
            `gateway: a wake named session ${step.sessionIdConflict.ignored}; keeping ${step.sessionIdConflict.kept}`,
          );
        }
        this.#sessionId = step.state.remoteAccessSessionId;
        if (step.command.kind === "exit") {
          this.#stopReason = step.command.reason;
          return;
        }
        const event = await this.#execute(step.command);
        step = stepLifecycle(step.state, event);
      }
    } catch (error) {
      // Only a bug gets here; end cleanly rather than leave the gateway half alive.
      log.error("gateway: run loop failed:", error);
      this.#ctl.abort();
      this.#watch?.abort();
      await this.#closeSession();
      this.#stopReason = "stopped";
      this.#report([
        ...(this.#status === "shuttingDown" ? [] : ["shuttingDown" as const]),
        "shutdown",
      ]);
    }
  }

  #report(statuses: readonly ConnectionStatus[]): void {
    for (const status of statuses) {
      this.#status = status;
      try {
        this.#listener?.onConnectionStatusChanged?.(status);
      } catch (error) {
        log.warn("gateway: onConnectionStatusChanged threw:", error);
      }
      const ready = this.#waiters.filter((w) => w.status === status);
      this.#waiters = this.#waiters.filter((w) => w.status !== status);
      ready.forEach((w) => w.resolve());
      if (status === "shutdown") {
        const rest = this.#waiters;
        this.#waiters = [];
        rest.forEach((w) => w.reject(this.#neverReached(w.status)));
      }
    }
  }

  #neverReached(status: ConnectionStatus): FoxgloveError {
    return new FoxgloveError(
      "ERR_ABORTED",
      `the gateway shut down (${this.#stopReason ?? "stopped"}) before reaching "${status}"`,
    );
  }

  async #execute(command: Exclude<LifecycleCommand, { kind: "exit" }>): Promise<LifecycleEvent> {
    const signal = this.#ctl.signal;
    const cancelled = { kind: "cancelled" } as const;
    if (signal.aborted && command.kind !== "closeSession") {
      return cancelled;
    }
    switch (command.kind) {
      case "fetchDeviceInfo":
        try {
          this.#deviceInfo = await this.#client.deviceInfo(signal);
          return { kind: "deviceInfoFetched", deviceInfo: this.#deviceInfo };
        } catch (error) {
          if (signal.aborted) {
            return cancelled;
          }
          const unauthorized = error instanceof ApiError && error.status === 401;
          const notFound = error instanceof ApiError && error.status === 404;
          if (unauthorized) {
            log.error(
              `gateway: ${message(error)}; ${unauthorizedHint(error)}${this.#cloudHint()}; stopping`,
            );
          } else if (notFound) {
            log.error(
              `gateway: ${message(error)}; no device API at ${this.#config.apiUrl} ` +
                "(check FOXGLOVE_API_URL / foxgloveApiUrl); stopping",
            );
          } else {
            log.warn(`gateway: fetching device info failed${this.#cloudHint()}:`, message(error));
          }
          return { kind: "deviceInfoFailed", unauthorized, notFound };
        }
      case "connectWatch":
        try {
          const watch = await Watch.connect({
            client: this.#client,
            query: command.query,
            timings: this.#config.timings,
            clock: this.#clock,
            signal,
          });
          if (signal.aborted) {
            watch.abort();
            return cancelled;
          }
          this.#watch = watch;
          return { kind: "watchConnected", hello: watch.hello };
        } catch (error) {
          if (signal.aborted) {
            return cancelled;
          }
          const kind = error instanceof WatchError ? error.kind : "api";
          if (kind === "unauthorized") {
            log.error(
              `gateway: ${message(error)}; ${unauthorizedHint(error)}${this.#cloudHint()}; stopping`,
            );
          } else if (kind === "unexpectedContentType") {
            log.info("gateway: the watch is not an event stream (maintenance?):", message(error));
          } else {
            log.warn("gateway: opening the watch failed:", message(error));
          }
          return { kind: "watchConnectFailed", error: kind };
        }
      case "runWatch": {
        const watch = this.#watch;
        if (watch === undefined) {
          throw new Error("runWatch without a watch");
        }
        const r = await raceAbort(watch.run(), signal);
        this.#watch = undefined;
        if (!r.ok) {
          watch.abort();
          return cancelled;
        }
        return { kind: "watchEnded", outcome: r.value.outcome, durationMs: r.value.durationMs };
      }
      case "sleep":
        return (await sleep(this.#clock, command.delayMs, signal)) ? { kind: "slept" } : cancelled;
      case "joinRoom":
        return await this.#join(command, signal);
      case "runSession": {
        const session = this.#session;
        if (session === undefined) {
          throw new Error("runSession without a session");
        }
        const end = await this.#runSession(session, command.idleTimeoutMs, signal);
        if (end === "cancelled") {
          return cancelled;
        }
        log.info(
          end === "idle"
            ? "gateway: no viewer within the viewer wait; returning to dormant"
            : `gateway: the room ended (${session.endedReason ?? "unknown"}); returning to dormant`,
        );
        return { kind: "sessionEnded" };
      }
      case "closeSession":
        await this.#closeSession();
        return { kind: "sessionClosed" };
    }
  }

  async #join(
    command: Extract<LifecycleCommand, { kind: "joinRoom" }>,
    signal: AbortSignal,
  ): Promise<LifecycleEvent> {
    const { wake, deviceInfo, remoteAccessSessionId } = command;
    log.info("gateway: woken; joining the LiveKit room");
    const joinCtl = new AbortController();
    const onAbort = () => joinCtl.abort();
    signal.addEventListener("abort", onAbort, { once: true });
    let settled: { session: RoomSession } | { error: unknown } | undefined;
    const joining = (async () => {
      try {
        const session = await this.#joinRoom(
          {
            url: wake.url,
            token: wake.token,
            remoteAccessSessionId,
            serverName: this.#config.name ?? deviceInfo.name,
            deviceInfo,
            hub: this.#hub,
          },
          joinCtl.signal,
        );
        settled = { session };
      } catch (error) {
        settled = { error };
      }
    })();
    await raceAbort(joining, signal);
    signal.removeEventListener("abort", onAbort);
    if (settled === undefined) {
      // Cancelled first: abandon the join, and close a room that arrives anyway.
      void joining.then(() => {
        if (settled !== undefined && "session" in settled) {
          void closeQuietly(settled.session);
        }
      });
      return { kind: "cancelled" };
    }
    if ("session" in settled) {
      // A join that completed wins over a simultaneous stop: the room is torn down normally.
      this.#session = settled.session;
      log.info("gateway: joined the LiveKit room");
      return { kind: "joined" };
    }
    if (signal.aborted) {
      return { kind: "cancelled" };
    }
    log.error(
      "gateway: joining the LiveKit room failed:",
      redact(message(settled.error), wake.token),
    );
    return { kind: "joinFailed" };
  }

  #runSession(
    session: RoomSession,
    waitMs: number,
    signal: AbortSignal,
  ): Promise<"ended" | "idle" | "cancelled"> {
    return new Promise((resolve) => {
      let idleSince: number | undefined;
      let cancelTimer = () => {};
      let unsubscribe = () => {};
      let finished = false;
      const finish = (end: "ended" | "idle" | "cancelled") => {
        if (finished) {
          return;
        }
        finished = true;
        cancelTimer();
        unsubscribe();
        signal.removeEventListener("abort", onAbort);
        resolve(end);
      };
      const check = () => {
        if (finished) {
          return;
        }
        if (session.endedReason !== undefined) {
          finish("ended");
          return;
        }
        const now = this.#clock.now();
        idleSince = nextIdleSince(idleSince, session.viewerCount, now);
        if (idleExpired(idleSince, now, waitMs)) {
          finish("idle");
          return;
        }
        cancelTimer();
        cancelTimer =
          idleSince === undefined
            ? () => {}
            : this.#clock.setTimer(idleSince + waitMs - now, check);
      };
      const onAbort = () => finish("cancelled");
      signal.addEventListener("abort", onAbort, { once: true });
      unsubscribe = session.onChange(check);
      if (signal.aborted) {
        finish("cancelled");
      }
      check();
    });
  }

  /** Closes the current session within the room-close timeout; on timeout it is abandoned. */
  /** Says so when the API is the cloud default (a newcomer may expect a local server). */
  #cloudHint(): string {
    return this.#config.apiUrl === DEFAULT_API_URL
      ? " (the Foxglove cloud API, used when FOXGLOVE_API_URL is not set)"
      : "";
  }

  async #closeSession(): Promise<void> {
    const session = this.#session;
    this.#session = undefined;
    if (session === undefined) {
      return;
    }
    const timeoutMs = this.#config.timings.roomCloseTimeoutMs;
    const closed = closeQuietly(session).then(() => true);
    // Cancel the deadline once the room closed: a pending timer would keep the process alive.
    const deadline = new AbortController();
    const timedOut = sleep(this.#clock, timeoutMs, deadline.signal).then(() => false);
    const inTime = await Promise.race([closed, timedOut]);
    deadline.abort();
    if (!inTime) {
      log.warn(`gateway: the room did not close within ${timeoutMs} ms; abandoning it`);
    }
  }
}

async function closeQuietly(session: RoomSession): Promise<void> {
  try {
    await session.close();
  } catch (error) {
    log.warn("gateway: closing the room failed:", message(error));
  }
}

/** Settles with the promise's value, or `{ ok: false }` as soon as `signal` aborts. */
function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<Raced<T>> {
  if (signal.aborted) {
    promise.catch(() => undefined);
    return Promise.resolve({ ok: false });
  }
  return new Promise((resolve, reject) => {
    const onAbort = () => resolve({ ok: false });
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve({ ok: true, value });
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

/** Why a 401 happened: a rejected token, or (no API error body) a URL of some other service. */
function unauthorizedHint(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof ApiError ? error.cause : error;
  return cause instanceof ApiError && cause.kind === "errorResponse"
    ? "the device token was rejected (check FOXGLOVE_DEVICE_TOKEN)"
    : "the answer is not from a Foxglove device API: check FOXGLOVE_API_URL / foxgloveApiUrl";
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
