import type { DataTrackPushResult } from "./DataTrackFrame.js";

/** What {@link DataTrackPacer.offer} did with a frame. */
export type DataTrackOfferResult =
  /** Handed to LiveKit now ("sent" by {@link LocalDataTrack.tryPush}). */
  | "sent"
  /** Kept (copied) to be handed over later; a newer frame replaces it (newest wins). */
  | "held"
  /** LiveKit refused it (queue full, unpublished or failed): dropped. */
  | Exclude<DataTrackPushResult, "sent">;

/** Where a pacer hands its frames: a {@link LocalDataTrack}. */
export interface PacedTarget {
  tryPushWithHeader(
    header: Uint8Array | undefined,
    payload: Uint8Array,
    userTimestamp?: bigint,
  ): DataTrackPushResult;
}

/** Options of {@link DataTrackPacer}. */
export interface DataTrackPacerOptions {
  /**
   * Least time between two frames handed to LiveKit, in ms (default 0: no spacing; frames are
   * only held while LiveKit's queue is full). Spacing (e.g. 0.5) reduces the frames LiveKit evicts
   * from bursts, at the price of throughput at high rates and of latency (BENCHMARKS.md).
   */
  readonly minIntervalMs?: number;
  /**
   * The interval while overloaded, in ms (default 0.1): once a full queue has dropped a frame,
   * LiveKit gets frames this often until the queue is empty again. Its sender then always has a
   * fresh frame when it can take one, so throughput is not capped by `minIntervalMs`.
   */
  readonly overloadIntervalMs?: number;
  /**
   * Least time between two frames handed to LiveKit while it keeps up, in ms (default 0.6). A
   * frame offered sooner after the previous one (a burst: several logs in one tick, or a late
   * tick catching up) is handed over once the rest of this time has passed, by sleeping the
   * calling thread (`Atomics.wait`, which leaves the CPU to LiveKit's sender threads), not by a
   * timer: LiveKit's sender keeps one waiting frame and a frame that reaches it too soon evicts
   * the previous one. 0 disables it. See `maxBurstWaits` for the bound on the sleeping.
   */
  readonly burstGapMs?: number;
  /**
   * Most frames in a row handed over after a `burstGapMs` sleep (default 8): a longer burst, or a
   * sustained rate above 1 / `burstGapMs`, goes on without sleeping until two frames are spaced
   * by the gap again, so one burst blocks the caller for at most this many gaps (4.8 ms).
   */
  readonly maxBurstWaits?: number;
  /** Sleeps the thread for `ms` (default `Atomics.wait`). Injectable for tests. */
  readonly sleep?: (ms: number) => void;
  /** Most frames held; when full, the oldest is dropped (default 16). */
  readonly queueSize?: number;
  /** Pause after LiveKit reports its queue full, in ms (default 2). */
  readonly queueFullPauseMs?: number;
  /** Monotonic clock in ms (default `performance.now`). */
  readonly now?: () => number;
  /**
   * Runs `fn` after `ms` (default: `setImmediate` below 1 ms, which re-checks the clock each
   * event-loop turn, else `setTimeout`; neither keeps the process alive); returns a cancel function.
   */
  readonly schedule?: (fn: () => void, ms: number) => () => void;
}

/** Default {@link DataTrackPacerOptions.minIntervalMs}. */
export const DEFAULT_PACER_INTERVAL_MS = 0;
const DEFAULT_QUEUE_SIZE = 16;
/** Default {@link DataTrackPacerOptions.burstGapMs}. */
export const DEFAULT_BURST_GAP_MS = 0.6;
const DEFAULT_MAX_BURST_WAITS = 8;
const napCell = new Int32Array(new SharedArrayBuffer(4));
const DEFAULT_OVERLOAD_INTERVAL_MS = 0.1;
const DEFAULT_QUEUE_FULL_PAUSE_MS = 2;

/**
 * Paces the frames of one data track. LiveKit's sender keeps only the newest frame that waits for
 * its data channel: a frame handed over before the sender has taken the previous one evicts it,
 * silently, after `tryPush` reported it sent; and its 16-frame input queue refuses frames while
 * full. The pacer hands LiveKit at most one frame per `minIntervalMs` (default: no limit) and none
 * for `queueFullPauseMs` after a full-queue reply; frames offered meanwhile wait in a small queue
 * (copies in reused buffers), oldest first, handed over by later offers or a timer. When the queue
 * is full the oldest waiting frame is dropped in JavaScript, without a native call (newest wins),
 * and the pacer switches to the shorter `overloadIntervalMs` until the queue is empty again. So a
 * producer far faster than LiveKit costs a copy per excess frame, not a native request.
 * A frame offered less than `burstGapMs` after the previous push, while nothing is held, is pushed
 * after a short sleep for the rest of the gap (bounded by `maxBurstWaits` in a row), so that the
 * bursts of a producer's late ticks reach LiveKit spaced instead of evicting each other.
 */
export class DataTrackPacer {
  readonly #target: PacedTarget;
  readonly #interval: number;
  readonly #overloadInterval: number;
  #overloaded = false;
  readonly #fullPause: number;
  readonly #now: () => number;
  readonly #schedule: (fn: () => void, ms: number) => () => void;
  #nextAt = -Infinity;
  readonly #burstGap: number;
  readonly #maxBurstWaits: number;
  readonly #sleep: (ms: number) => void;
  #lastPushAt = -Infinity;
  #burstWaits = 0;
  /** Held frames, oldest at #head: reused buffers with their lengths and timestamps. */
  readonly #slots: { bytes: Uint8Array; length: number; timestamp: bigint | undefined }[] = [];
  #head = 0;
  #count = 0;
  #cancelTimer: (() => void) | undefined;
  #closed = false;
  #replaced = 0;

  constructor(target: PacedTarget, options: DataTrackPacerOptions = {}) {
    this.#target = target;
    this.#interval = options.minIntervalMs ?? DEFAULT_PACER_INTERVAL_MS;
    this.#overloadInterval = options.overloadIntervalMs ?? DEFAULT_OVERLOAD_INTERVAL_MS;
    this.#fullPause = options.queueFullPauseMs ?? DEFAULT_QUEUE_FULL_PAUSE_MS;
    this.#burstGap = options.burstGapMs ?? DEFAULT_BURST_GAP_MS;
    this.#maxBurstWaits = options.maxBurstWaits ?? DEFAULT_MAX_BURST_WAITS;
    this.#sleep = options.sleep ?? nap;
    this.#now = options.now ?? (() => performance.now());
    this.#schedule = options.schedule ?? defaultSchedule;
    const size = Math.max(1, options.queueSize ?? DEFAULT_QUEUE_SIZE);
    for (let i = 0; i < size; i++) {
      this.#slots.push({ bytes: new Uint8Array(0), length: 0, timestamp: undefined });
    }
  }

  /** Frames dropped while held (the oldest, for a newer one) so far: they never reached LiveKit. */
  get replaced(): number {
    return this.#replaced;
  }

  /** Frames waiting to be handed over. */
  get held(): number {
    return this.#count;
  }

  /**
   * Offers the frame `header` + `payload` (both are copied if held; the caller may reuse them).
   * Never throws for transport conditions.
   */
  offer(
    header: Uint8Array | undefined,
    payload: Uint8Array,
    userTimestamp?: bigint,
  ): DataTrackOfferResult {
    if (this.#closed) {
      return "unpublished";
    }
    const now = this.#now();
    if (now >= this.#nextAt) {
      if (this.#count === 0) {
        return this.#push(header, payload, userTimestamp, this.#spaced(now));
      }
      this.#flush(now); // older frames first
    }
    this.#hold(header, payload, userTimestamp);
    this.#arm(now);
    return "held";
  }

  /** Drops a held frame and stops the timer; later offers return "unpublished". */
  close(): void {
    this.#closed = true;
    this.#count = 0;
    this.#cancelTimer?.();
    this.#cancelTimer = undefined;
  }

  #push(
    header: Uint8Array | undefined,
    payload: Uint8Array,
    userTimestamp: bigint | undefined,
    now: number,
  ): DataTrackPushResult {
    const result = this.#target.tryPushWithHeader(header, payload, userTimestamp);
    this.#lastPushAt = now;
    if (this.#count === 0) {
      this.#overloaded = false;
    }
    const interval = this.#overloaded ? this.#overloadInterval : this.#interval;
    this.#nextAt = now + (result === "queueFull" ? this.#fullPause : interval);
    return result;
  }

  /** Sleeps for the rest of `burstGapMs` after the last push when due; returns the time then. */
  #spaced(now: number): number {
    const early = this.#burstGap - (now - this.#lastPushAt);
    if (early <= 0) {
      this.#burstWaits = 0;
      return now;
    }
    if (this.#burstWaits >= this.#maxBurstWaits) {
      return now;
    }
    this.#burstWaits += 1;
    this.#sleep(early);
    return this.#now();
  }

  #flush(now: number): void {
    const slot = this.#slots[this.#head]!;
    this.#head = (this.#head + 1) % this.#slots.length;
    this.#count -= 1;
    this.#push(undefined, slot.bytes.subarray(0, slot.length), slot.timestamp, now);
  }

  #hold(header: Uint8Array | undefined, payload: Uint8Array, userTimestamp?: bigint): void {
    if (this.#count === this.#slots.length) {
      this.#head = (this.#head + 1) % this.#slots.length; // newest wins: drop the oldest
      this.#count -= 1;
      this.#replaced += 1;
      if (!this.#overloaded) {
        this.#overloaded = true;
        this.#nextAt = Math.min(this.#nextAt, this.#now() + this.#overloadInterval);
        this.#cancelTimer?.(); // re-armed for the earlier time by the caller
        this.#cancelTimer = undefined;
      }
    }
    const slot = this.#slots[(this.#head + this.#count) % this.#slots.length]!;
    this.#count += 1;
    const headerLength = header === undefined ? 0 : header.byteLength;
    const length = headerLength + payload.byteLength;
    if (slot.bytes.byteLength < length) {
      slot.bytes = new Uint8Array(Math.max(length, slot.bytes.byteLength * 2, 256));
    }
    if (header !== undefined) {
      slot.bytes.set(header, 0);
    }
    slot.bytes.set(payload, headerLength);
    slot.length = length;
    slot.timestamp = userTimestamp;
  }

  #arm(now: number): void {
    if (this.#cancelTimer !== undefined) {
      return;
    }
    this.#cancelTimer = this.#schedule(this.#onTimer, Math.max(0, this.#nextAt - now));
  }

  /**
   * The timer's callback, created once: a closure inside {@link #arm} made V8 allocate its
   * context on every call, i.e. for every frame held while LiveKit's queue is full.
   */
  readonly #onTimer = (): void => {
    this.#cancelTimer = undefined;
    if (this.#closed || this.#count === 0) {
      return;
    }
    const at = this.#now();
    if (at >= this.#nextAt) {
      this.#flush(at);
    }
    if (this.#count > 0) {
      this.#arm(at);
    }
  };
}

function nap(ms: number): void {
  Atomics.wait(napCell, 0, 0, ms);
}

function defaultSchedule(fn: () => void, ms: number): () => void {
  if (ms < 1) {
    const immediate = setImmediate(fn);
    immediate.unref();
    return () => clearImmediate(immediate);
  }
  const timer = setTimeout(fn, ms);
  timer.unref();
  return () => clearTimeout(timer);
}
