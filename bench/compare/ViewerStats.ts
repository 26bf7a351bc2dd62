import { percentile } from "../harness.js";

/** What one viewer saw of a measured phase (see {@link ViewerStats.summary}). */
export interface ViewerSummary {
  /** Distinct measured messages received. */
  received: number;
  /** Measured messages received more than once. */
  duplicates: number;
  /** Messages received with a lower sequence than one before them. */
  reordered: number;
  /** Payload bytes of the distinct messages. */
  bytes: number;
  /** Median log → viewer latency, ms. */
  p50Ms: number;
  /** 99th-percentile log → viewer latency, ms. */
  p99Ms: number;
}

/**
 * Counts the measured messages of one viewer: distinct sequences (a growable bitmap), duplicates,
 * reordering, bytes, and latency samples (log time in the payload → receive time, µs).
 */
export class ViewerStats {
  #seen = new Uint8Array(1 << 12);
  #latUs = new Float64Array(1 << 12);
  #samples = 0;
  #received = 0;
  #duplicates = 0;
  #reordered = 0;
  #bytes = 0;
  #maxSeq = -1;

  /** Distinct measured messages so far. */
  get received(): number {
    return this.#received;
  }

  /** Records one measured message of `size` bytes with sequence `seq` and `latencyNs`. */
  record(seq: number, size: number, latencyNs: bigint): void {
    const byte = seq >>> 3;
    if (byte >= this.#seen.length) {
      const grown = new Uint8Array(Math.max(byte + 1, this.#seen.length * 2));
      grown.set(this.#seen);
      this.#seen = grown;
    }
    const bit = 1 << (seq & 7);
    if ((this.#seen[byte]! & bit) !== 0) {
      this.#duplicates++;
      return;
    }
    this.#seen[byte]! |= bit;
    this.#received++;
    this.#bytes += size;
    if (seq < this.#maxSeq) this.#reordered++;
    else this.#maxSeq = seq;
    if (this.#samples === this.#latUs.length) {
      const grown = new Float64Array(this.#latUs.length * 2);
      grown.set(this.#latUs);
      this.#latUs = grown;
    }
    this.#latUs[this.#samples++] = Number(latencyNs) / 1000;
  }

  /** Up to `limit` ranges `[first, last]` of sequences below `sent` that never arrived. */
  missingRanges(sent: number, limit = 10): [number, number][] {
    const out: [number, number][] = [];
    let start = -1;
    for (let seq = 0; seq <= sent && out.length < limit; seq++) {
      const have = seq < sent && (this.#seen[seq >>> 3]! & (1 << (seq & 7))) !== 0;
      if (!have && seq < sent && start < 0) start = seq;
      if ((have || seq === sent) && start >= 0) {
        out.push([start, seq - 1]);
        start = -1;
      }
    }
    return out;
  }

  /** The summary so far (latencies are NaN when nothing was received). */
  summary(): ViewerSummary {
    const lat = Array.from(this.#latUs.subarray(0, this.#samples));
    return {
      received: this.#received,
      duplicates: this.#duplicates,
      reordered: this.#reordered,
      bytes: this.#bytes,
      p50Ms: lat.length > 0 ? percentile(lat, 50) / 1000 : NaN,
      p99Ms: lat.length > 0 ? percentile(lat, 99) / 1000 : NaN,
    };
  }
}
