import { FoxgloveError } from "../core/FoxgloveError.js";
import { log } from "../core/logger.js";
import type { ApiClient, WatchQuery } from "./ApiClient.js";
import { ApiError } from "./ApiError.js";
import type { Clock } from "./Clock.js";
import { Heartbeat } from "./Heartbeat.js";
import { SseReader } from "./SseReader.js";
import { READ_TIMEOUT_HEARTBEAT_INTERVALS, type GatewayTimings } from "./timings.js";
import { WatchError } from "./WatchError.js";
import type { WatchHello, WatchOutcome } from "./WatchOutcome.js";
import { parseHello, parseWake } from "./watchPayloads.js";

/** What {@link Watch.connect} needs. */
export interface WatchConnectOptions {
  readonly client: Pick<ApiClient, "openWatch" | "heartbeat">;
  readonly query: WatchQuery;
  readonly timings: Pick<
    GatewayTimings,
    "helloTimeoutMs" | "minHeartbeatIntervalMs" | "minDeviceWaitForViewerMs"
  >;
  readonly clock: Clock;
  /** Aborting it abandons the connect attempt (rejecting with `ERR_ABORTED`). */
  readonly signal?: AbortSignal;
}

/** How a run of a watch ended, and how long it ran (ms, from the start of `run`). */
export interface WatchRunResult {
  readonly outcome: WatchOutcome;
  readonly durationMs: number;
}

type Step =
  | { kind: "heartbeat" }
  | { kind: "frame"; frame: Awaited<ReturnType<SseReader["next"]>> }
  | { kind: "error"; error: unknown }
  | { kind: "timeout" };

/**
 * One dormant watch: an open event stream that has delivered its `hello`, with its heartbeat
 * task running. {@link run} waits for the one outcome that ends it and then closes it.
 */
export class Watch {
  /** The (clamped) `hello` of this watch. */
  readonly hello: WatchHello;
  readonly #reader: SseReader;
  readonly #stream: AbortController;
  readonly #heartbeat: Heartbeat;
  readonly #clock: Clock;
  #aborted = false;

  private constructor(
    hello: WatchHello,
    reader: SseReader,
    stream: AbortController,
    heartbeat: Heartbeat,
    clock: Clock,
  ) {
    this.hello = hello;
    this.#reader = reader;
    this.#stream = stream;
    this.#heartbeat = heartbeat;
    this.#clock = clock;
  }

  /**
   * Opens the watch and reads until `hello`, all within the hello deadline, then starts the
   * heartbeat task. Rejects with a {@link WatchError} (or `ERR_ABORTED` when `signal` aborts).
   */
  static async connect(options: WatchConnectOptions): Promise<Watch> {
    const { client, query, timings, clock, signal } = options;
    const stream = new AbortController();
    let timedOut = false;
    const cancelDeadline = clock.setTimer(timings.helloTimeoutMs, () => {
      timedOut = true;
      stream.abort();
    });
    const onAbort = () => stream.abort();
    signal?.addEventListener("abort", onAbort, { once: true });
    if (signal?.aborted === true) {
      stream.abort();
    }
    const fail = (error: unknown): never => {
      stream.abort();
      if (signal?.aborted === true) {
        throw new FoxgloveError("ERR_ABORTED", "watch connect aborted", { cause: signal.reason });
      }
      if (timedOut) {
        throw new WatchError(
          "helloTimeout",
          `no hello within ${timings.helloTimeoutMs} ms of opening the watch`,
          { cause: error },
        );
      }
      throw error;
    };
    try {
      let res: Response;
      try {
        res = await client.openWatch(query, stream.signal);
      } catch (e) {
        return fail(toConnectError(e));
      }
      const contentType = res.headers.get("content-type") ?? undefined;
      const mediaType = contentType?.split(";")[0]?.trim().toLowerCase();
      if (mediaType !== "text/event-stream" || res.body === null) {
        await res.body?.cancel().catch(() => undefined);
        return fail(
          new WatchError(
            "unexpectedContentType",
            `watch answered ${res.status} with content type ${contentType ?? "(none)"}, not an event stream`,
            { contentType },
          ),
        );
      }
      const reader = new SseReader(res.body);
      for (;;) {
        let frame;
        try {
          frame = await reader.next();
        } catch (e) {
          return fail(new WatchError("transport", "reading the watch stream failed", { cause: e }));
        }
        if (frame === undefined) {
          return fail(new WatchError("unexpectedEof", "the watch stream ended before hello"));
        }
        if (frame.kind === "comment") {
          continue;
        }
        if (frame.event !== "hello") {
          log.debug(`watch: skipping event "${frame.event}" before hello`);
          continue;
        }
        const hello = parseHello(frame.data, timings);
        if (hello === undefined) {
          return fail(new WatchError("malformedEvent", "the watch's hello event is malformed"));
        }
        if (timedOut || signal?.aborted === true) {
          return fail(undefined);
        }
        const heartbeat = new Heartbeat({
          client,
          leaseId: hello.watchLeaseId,
          intervalMs: hello.heartbeatIntervalMs,
          clock,
        });
        log.info("watch stream established");
        return new Watch(hello, reader, stream, heartbeat, clock);
      }
    } finally {
      cancelDeadline();
      signal?.removeEventListener("abort", onAbort);
    }
  }

  /**
   * Reads the stream until the outcome that ends this watch (heartbeat loss is checked first),
   * logs it, then closes: heartbeats stop before it resolves, and the stream is closed. Call once.
   */
  async run(): Promise<WatchRunResult> {
    const start = this.#clock.now();
    const readTimeoutMs = READ_TIMEOUT_HEARTBEAT_INTERVALS * this.hello.heartbeatIntervalMs;
    let outcome: WatchOutcome;
    try {
      outcome = await this.#next(readTimeoutMs);
    } catch (e) {
      log.error("watch run failed unexpectedly:", e);
      outcome = { kind: "heartbeatLost", exit: "cancelled" };
    }
    const durationMs = this.#clock.now() - start;
    if (!this.#aborted) {
      logOutcome(outcome);
    }
    await this.#heartbeat.stop();
    this.#reader.cancel();
    this.#stream.abort();
    return { outcome, durationMs };
  }

  /** Drops the watch at once: heartbeats aborted without waiting, stream closed. */
  abort(): void {
    this.#aborted = true;
    this.#heartbeat.abort();
    this.#reader.cancel();
    this.#stream.abort();
  }

  async #next(readTimeoutMs: number): Promise<WatchOutcome> {
    const heartbeat = this.#heartbeat.exited.then((): Step => ({ kind: "heartbeat" }));
    for (;;) {
      const exit = this.#heartbeat.exit;
      if (exit !== undefined) {
        return { kind: "heartbeatLost", exit };
      }
      let cancelTimer = () => {};
      const timeout = new Promise<Step>((resolve) => {
        cancelTimer = this.#clock.setTimer(readTimeoutMs, () => resolve({ kind: "timeout" }));
      });
      const frame = this.#reader.next().then(
        (f): Step => ({ kind: "frame", frame: f }),
        (error: unknown): Step => ({ kind: "error", error }),
      );
      const step = await Promise.race([heartbeat, frame, timeout]);
      cancelTimer();
      switch (step.kind) {
        case "heartbeat":
          continue; // reported at the top of the loop
        case "timeout":
          return { kind: "readTimeout" };
        case "error":
          return {
            kind: "streamError",
            error: new WatchError("transport", "reading the watch stream failed", {
              cause: step.error,
            }),
          };
        case "frame": {
          const f = step.frame;
          if (f === undefined) {
            return { kind: "streamEnded" };
          }
          if (f.kind === "comment") {
            continue;
          }
          if (f.event === "wake") {
            const wake = parseWake(f.data);
            return wake === undefined
              ? {
                  kind: "streamError",
                  error: new WatchError("malformedEvent", "the watch's wake event is malformed"),
                }
              : { kind: "wake", wake };
          }
          if (f.event === "hello") {
            log.warn("watch: ignoring a second hello");
          } else {
            log.debug(`watch: ignoring event "${f.event}"`);
          }
        }
      }
    }
  }
}

/** Classifies a failure to open the watch: 409 conflict, 401 unauthorized, the rest `api`. */
function toConnectError(e: unknown): unknown {
  if (!(e instanceof ApiError)) {
    return e; // ERR_ABORTED and the like pass through
  }
  const kind = e.status === 409 ? "conflict" : e.status === 401 ? "unauthorized" : "api";
  return new WatchError(kind, e.message, { cause: e });
}

function logOutcome(outcome: WatchOutcome): void {
  switch (outcome.kind) {
    case "wake":
      log.info("watch: wake received");
      return;
    case "readTimeout":
      log.warn("watch: no data within the read timeout");
      return;
    case "streamEnded":
      log.warn("watch: the stream ended");
      return;
    case "streamError":
      log.warn("watch: the stream failed:", outcome.error.message);
      return;
    case "heartbeatLost":
      if (outcome.exit === "unauthorized" || outcome.exit === "cancelled") {
        log.error(`watch: heartbeat lost (${outcome.exit})`);
      } else {
        log.warn(`watch: heartbeat lost (${outcome.exit})`);
      }
      return;
  }
}
