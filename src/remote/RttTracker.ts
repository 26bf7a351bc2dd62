import { log } from "../core/logger.js";

const ALPHA = 0.3;

/**
 * Round-trip-time statistics for one source ("ping/pong" or "ICE"): the first sample is only
 * logged (it often includes connection setup), the second initializes an exponentially weighted
 * moving average (α = 0.3) with variance 0, later ones update both. Samples in milliseconds.
 */
export class RttTracker {
  readonly #name: string;
  #latest: number | undefined;
  #ewma: number | undefined;
  #variance = 0;

  /** @param name label used in debug logs, e.g. `ping/pong`. */
  constructor(name: string) {
    this.#name = name;
  }

  /** The most recent sample in ms, if any. */
  get latest(): number | undefined {
    return this.#latest;
  }

  /** The smoothed RTT in ms (undefined until two samples were recorded). */
  get ewma(): number | undefined {
    return this.#ewma;
  }

  /** The standard deviation estimate in ms (0 until three samples). */
  get stddev(): number {
    return Math.sqrt(this.#variance);
  }

  /** Adds one RTT sample in milliseconds. */
  record(rttMs: number): void {
    const first = this.#latest === undefined;
    this.#latest = rttMs;
    if (first) {
      log.debug(`${this.#name} RTT first sample ${rttMs} ms (excluded)`);
      return;
    }
    if (this.#ewma === undefined) {
      this.#ewma = rttMs;
    } else {
      const diff = rttMs - this.#ewma;
      this.#ewma += ALPHA * diff;
      this.#variance = (1 - ALPHA) * (this.#variance + ALPHA * diff * diff);
    }
    log.debug(
      `${this.#name} RTT ${rttMs} ms, ewma ${this.#ewma.toFixed(1)} ms, stddev ${this.stddev.toFixed(1)} ms`,
    );
  }
}
