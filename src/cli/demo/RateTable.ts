/** Counts per topic and the rate over the last window. */
export interface TopicRate {
  readonly topic: string;
  /** Messages since the start. */
  readonly total: number;
  /** Messages per second over the last completed window. */
  readonly hz: number;
  /** Frames known lost in transit. */
  readonly lost: number;
}

/**
 * Message counts and rates per topic (pure; the caller supplies the clock). `count` records
 * arrivals; `sample(nowMs)` closes a window and returns the rates measured over it.
 */
export class RateTable {
  readonly #topics = new Map<
    string,
    { total: number; windowStart: number; lost: number; hz: number }
  >();
  #windowStartMs: number;

  constructor(nowMs: number, topics: readonly string[] = []) {
    this.#windowStartMs = nowMs;
    for (const t of topics) this.#entry(t);
  }

  /** Records `n` messages of `topic`, and `lost` frames missing before them. */
  count(topic: string, n = 1, lost = 0): void {
    const e = this.#entry(topic);
    e.total += n;
    e.lost += lost;
  }

  /** Ends the current window at `nowMs`; returns every topic's totals and rate, sorted by topic. */
  sample(nowMs: number): TopicRate[] {
    const seconds = Math.max(1e-3, (nowMs - this.#windowStartMs) / 1000);
    this.#windowStartMs = nowMs;
    for (const e of this.#topics.values()) {
      e.hz = (e.total - e.windowStart) / seconds;
      e.windowStart = e.total;
    }
    return this.snapshot();
  }

  /** Totals and the rates of the last window, sorted by topic. */
  snapshot(): TopicRate[] {
    return [...this.#topics.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([topic, e]) => ({ topic, total: e.total, hz: e.hz, lost: e.lost }));
  }

  #entry(topic: string) {
    let e = this.#topics.get(topic);
    if (e === undefined) {
      e = { total: 0, windowStart: 0, lost: 0, hz: 0 };
      this.#topics.set(topic, e);
    }
    return e;
  }
}

/** The rate table as aligned text lines. */
export function formatRates(rates: readonly TopicRate[]): string[] {
  const width = Math.max(5, ...rates.map((r) => r.topic.length));
  return rates.map(
    (r) =>
      `  ${r.topic.padEnd(width)}  ${r.hz.toFixed(1).padStart(7)} Hz  ${String(r.total).padStart(7)} messages` +
      (r.lost > 0 ? `  (${r.lost} lost in transit)` : ""),
  );
}
