import { FoxgloveError } from "../core/FoxgloveError.js";

interface PendingPing {
  readonly sentAt: number;
  readonly resolve: (rttMs: number) => void;
  readonly reject: (error: unknown) => void;
  readonly timer: NodeJS.Timeout;
}

/** Clocks of a {@link PingTracker} (injectable for tests). */
export interface PingClocks {
  /** Wall clock in ms since the Unix epoch (the Ping's `appTimestamp`). Default `Date.now`. */
  wallMs?: () => number;
  /** Monotonic clock in ms, for the round-trip time. Default `performance.now`. */
  monotonicMs?: () => number;
}

/**
 * Outstanding pings of a viewer (spec 4.3.4): each gets a unique `appTimestamp` (ms since the
 * epoch, bumped by 1 when two pings start in the same ms) and resolves with the round-trip time
 * when the device's Pong echoes it.
 */
export class PingTracker {
  readonly #pending = new Map<bigint, PendingPing>();
  readonly #wallMs: () => number;
  readonly #monotonicMs: () => number;
  #last = 0n;

  constructor(clocks: PingClocks = {}) {
    this.#wallMs = clocks.wallMs ?? Date.now;
    this.#monotonicMs = clocks.monotonicMs ?? (() => performance.now());
  }

  /** Number of pings waiting for their Pong. */
  get pending(): number {
    return this.#pending.size;
  }

  /**
   * Starts a ping: returns the `appTimestamp` to send and a promise of the round-trip time in ms.
   * The promise rejects with FoxgloveError `ERR_TIMEOUT` after `timeoutMs`.
   */
  start(timeoutMs: number): { appTimestamp: bigint; rttMs: Promise<number> } {
    let ts = BigInt(Math.floor(this.#wallMs()));
    if (ts <= this.#last) {
      ts = this.#last + 1n;
    }
    this.#last = ts;
    const rttMs = new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => {
        if (this.#pending.delete(ts)) {
          reject(new FoxgloveError("ERR_TIMEOUT", `no pong within ${timeoutMs} ms`));
        }
      }, timeoutMs);
      this.#pending.set(ts, { sentAt: this.#monotonicMs(), resolve, reject, timer });
    });
    return { appTimestamp: ts, rttMs };
  }

  /** Handles a Pong; returns the round-trip time in ms, or undefined when no ping matches. */
  pong(appTimestamp: bigint): number | undefined {
    const p = this.#pending.get(appTimestamp);
    if (p === undefined) {
      return undefined;
    }
    this.#pending.delete(appTimestamp);
    clearTimeout(p.timer);
    const rtt = Math.max(0, this.#monotonicMs() - p.sentAt);
    p.resolve(rtt);
    return rtt;
  }

  /** Rejects every outstanding ping with `error`. */
  failAll(error: unknown): void {
    for (const p of this.#pending.values()) {
      clearTimeout(p.timer);
      p.reject(error);
    }
    this.#pending.clear();
  }
}
