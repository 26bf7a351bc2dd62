import { dataTrackSequenceGap } from "../protocol/index.js";

/** Largest gap counted as loss; larger jumps are taken as reordering (or a restarted track). */
const MAX_COUNTED_GAP = 0x1000_0000;

/**
 * Counts frames lost on one data track from the frames' u32 sequence numbers (spec 1.5). A frame
 * arriving late (behind the newest one) is not loss; the newest sequence only moves forward.
 */
export class SequenceTracker {
  #last: number | undefined;
  #lost = 0;

  /** Frames known lost so far. */
  get lost(): number {
    return this.#lost;
  }

  /** Records a received frame; returns how many frames were skipped just before it. */
  observe(sequence: number): number {
    const last = this.#last;
    if (last === undefined) {
      this.#last = sequence;
      return 0;
    }
    const gap = dataTrackSequenceGap(last, sequence);
    if (gap >= MAX_COUNTED_GAP) {
      return 0; // late, duplicate or a restarted counter
    }
    this.#last = sequence;
    this.#lost += gap;
    return gap;
  }
}
