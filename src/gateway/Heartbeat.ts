import { log } from "../core/logger.js";
import type { ApiClient } from "./ApiClient.js";
import { sleep, type Clock } from "./Clock.js";
import { classifyHeartbeatError, nextHeartbeatAt, onHeartbeatResult } from "./heartbeatPolicy.js";
import type { HeartbeatExit } from "./WatchOutcome.js";

/** What the heartbeat task needs. */
export interface HeartbeatOptions {
  readonly client: Pick<ApiClient, "heartbeat">;
  readonly leaseId: string;
  /** Milliseconds between POSTs (already clamped). */
  readonly intervalMs: number;
  readonly clock: Clock;
}

/**
 * The heartbeat task of one watch: POSTs the lease every interval, one at a time, and ends with
 * a {@link HeartbeatExit} once the lease is lost. Decisions come from `heartbeatPolicy`.
 */
export class Heartbeat {
  readonly #ctl = new AbortController();
  readonly #done: Promise<HeartbeatExit>;
  #exit: HeartbeatExit | undefined;

  /** Starts the task now: the first POST is one interval from now. */
  constructor(options: HeartbeatOptions) {
    this.#done = this.#run(options).then(
      (exit) => (this.#exit = exit),
      (error: unknown) => {
        log.error("heartbeat task failed unexpectedly:", error);
        return (this.#exit = "cancelled");
      },
    );
  }

  /** Resolves with the reason the task ended (`cancelled` after {@link stop}). Never rejects. */
  get exited(): Promise<HeartbeatExit> {
    return this.#done;
  }

  /** The exit reason if the task has ended, else undefined. */
  get exit(): HeartbeatExit | undefined {
    return this.#exit;
  }

  /** Stops the task (aborting a POST in flight) and waits until it has ended. */
  async stop(): Promise<void> {
    this.#ctl.abort();
    await this.#done;
  }

  /** Stops the task without waiting. */
  abort(): void {
    this.#ctl.abort();
  }

  async #run({ client, leaseId, intervalMs, clock }: HeartbeatOptions): Promise<HeartbeatExit> {
    const signal = this.#ctl.signal;
    const start = clock.now();
    let state = { lastSuccessMs: start };
    let due = start + intervalMs;
    for (;;) {
      if (!(await sleep(clock, due - clock.now(), signal))) {
        return "cancelled";
      }
      let result;
      try {
        await client.heartbeat(leaseId, signal);
        result = "ok" as const;
      } catch (e) {
        if (signal.aborted) {
          return "cancelled";
        }
        result = classifyHeartbeatError(e);
        if (result === "error") {
          log.debug("heartbeat failed:", e instanceof Error ? e.message : e);
        }
      }
      const now = clock.now();
      const decision = onHeartbeatResult(state, result, now, intervalMs);
      if (decision.exit !== undefined) {
        return decision.exit;
      }
      state = decision.state;
      due = nextHeartbeatAt(start, intervalMs, now);
    }
  }
}
