// The video workload's frames and the statistics of their arrival, shared by bench/video.bench.ts
// and the video workload of `npm run bench:compare` (bench/compare/videoWorkload.ts and its device
// programs; bench/compare/reference_video_device.py draws the same scene in Python): an rgb8
// gradient scrolling 4 pixels per frame, with the frame index as a 16-block barcode in the top 48
// rows (white = 1), read back from the decoded Y plane to match each frame to its log time.
import { median, percentile } from "./harness.js";

/** Bits of the frame-index barcode (frames 1 to 65 535). */
export const BARCODE_BITS = 16;
/** Rows the barcode fills at the top of each source frame. */
export const BARCODE_ROWS = 48;

/** Draws the frames of the workload into one reused rgb8 buffer. */
export class VideoScene {
  readonly width: number;
  readonly height: number;
  /** The rgb8 pixels of the last frame drawn (tightly packed; reused by every {@link draw}). */
  readonly rgb: Uint8Array;
  readonly #wide: Uint8Array;

  constructor(width: number, height: number) {
    this.width = width;
    this.height = height;
    this.rgb = new Uint8Array(width * height * 3);
    // A gradient row twice as wide as the frame: frame i shows a window shifted by 4 i pixels.
    this.#wide = new Uint8Array(2 * width * 3);
    for (let x = 0; x < 2 * width; x++) {
      this.#wide.set([x & 255, (x * 2) & 255, (255 - x) & 255], x * 3);
    }
  }

  /** Draws frame `index` (1 to 65 535) and returns its pixels ({@link rgb}). */
  draw(index: number): Uint8Array {
    const { width: w, height: h, rgb } = this;
    const block = Math.floor(w / BARCODE_BITS);
    rgb.fill(0, 0, w * 3);
    for (let b = 0; b < BARCODE_BITS; b++) {
      if ((index >> b) & 1) rgb.fill(255, b * block * 3, (b + 1) * block * 3);
    }
    for (let y = 1; y < BARCODE_ROWS; y++) rgb.copyWithin(y * w * 3, 0, w * 3);
    const off = ((4 * index) % w) * 3;
    const row = this.#wide.subarray(off, off + w * 3);
    for (let y = BARCODE_ROWS; y < h; y++) rgb.set(row, y * w * 3);
    return rgb;
  }
}

/**
 * The frame index from the barcode in a decoded Y plane of `width` x `height`, whose source was
 * `sourceHeight` rows high (an encoder may have scaled the frame down).
 */
export function readFrameIndex(
  y: Uint8Array,
  width: number,
  height: number,
  sourceHeight: number,
): number {
  const row = Math.floor(((BARCODE_ROWS / 2) * height) / sourceHeight);
  let index = 0;
  for (let bit = 0; bit < BARCODE_BITS; bit++) {
    const x = Math.floor((bit + 0.5) * (width / BARCODE_BITS));
    if (y[row * width + x]! > 128) index |= 1 << bit;
  }
  return index;
}

/** Frame rate and latency at the viewer, from the frames it decoded. */
export interface FrameFigures {
  /** Distinct frames decoded. */
  decoded: number;
  /** Distinct frames per second between the first and the last decoded one. */
  fps: number;
  /** Latency from log time to decode, ms (NaN without frames). */
  p50: number;
  p99: number;
}

/** Collects decoded frames: each index counts once, with its latency from its log time. */
export class FrameStats {
  readonly #loggedAt: (index: number) => number | undefined;
  readonly #seen = new Set<number>();
  readonly #latencies: number[] = [];
  #firstAt = 0;
  #lastAt = 0;

  /** `loggedAt(index)`: when frame `index` was logged, ms on the clock of `add`'s `nowMs`. */
  constructor(loggedAt: (index: number) => number | undefined) {
    this.#loggedAt = loggedAt;
  }

  /** Records a decoded frame; unknown indexes (misread barcodes) and repeats are ignored. */
  add(index: number, nowMs: number): void {
    const at = this.#loggedAt(index);
    if (at === undefined || this.#seen.has(index)) return;
    this.#seen.add(index);
    this.#latencies.push(nowMs - at);
    this.#firstAt ||= nowMs;
    this.#lastAt = nowMs;
  }

  /** The first `max` (default 10) of frames 1 to `total` that were never decoded, in order. */
  missing(total: number, max = 10): number[] {
    const out: number[] = [];
    for (let i = 1; i <= total && out.length < max; i++) {
      if (!this.#seen.has(i)) out.push(i);
    }
    return out;
  }

  get figures(): FrameFigures {
    const n = this.#seen.size;
    const has = this.#latencies.length > 0;
    return {
      decoded: n,
      fps: n > 1 ? ((n - 1) * 1000) / (this.#lastAt - this.#firstAt) : 0,
      p50: has ? median(this.#latencies) : NaN,
      p99: has ? percentile(this.#latencies, 99) : NaN,
    };
  }
}
