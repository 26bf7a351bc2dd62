import { log } from "../../core/logger.js";
import { Throttler } from "../../core/Throttler.js";
import type { DropReport } from "../../remote/ViewerMedia.js";
import { DATA_TRACK_THROTTLE_MS, DEFAULT_MAX_DATA_TRACK_MESSAGE_SIZE } from "./sessionDefaults.js";

/**
 * What to do with one logged message on a lossy channel's data track. A number: build a frame
 * with this sequence number and try to push it (the common case allocates nothing per message).
 */
export type LossyDecision =
  | number
  /** Dropped for size; `report` is set at most once per 30 s (send a drop warning then). */
  | { readonly kind: "oversized"; readonly report: DropReport | undefined }
  /** Dropped because the track is not published (yet). */
  | { readonly kind: "notPublished" };

const NOT_PUBLISHED: LossyDecision = Object.freeze({ kind: "notPublished" });

/**
 * The decision state of one lossy channel's data track (`data-ch-<id>`): publication flag,
 * per-track sequence numbers (from 0, +1 per built frame, wrapping at 2^32), the per-message size
 * cap with throttled drop reports, and throttled debug logs for frames that cannot be sent.
 */
export class LossyTrackState {
  /** Set by the shell once the data track is published. */
  published = false;
  readonly #channelId: number;
  readonly #maxMessageSize: number;
  readonly #oversizeThrottle: Throttler;
  readonly #debugThrottle: Throttler;
  #sequence = 0;

  /**
   * @param maxMessageSize largest message in bytes (default 100 KiB; equal is allowed).
   * @param now monotonic clock in ms for the 30 s throttles (default `performance.now`).
   */
  constructor(
    channelId: number,
    maxMessageSize = DEFAULT_MAX_DATA_TRACK_MESSAGE_SIZE,
    now: () => number = () => performance.now(),
  ) {
    this.#channelId = channelId;
    this.#maxMessageSize = maxMessageSize;
    this.#oversizeThrottle = new Throttler(DATA_TRACK_THROTTLE_MS, now);
    this.#debugThrottle = new Throttler(DATA_TRACK_THROTTLE_MS, now);
  }

  /** The next sequence number to be used. */
  get nextSequence(): number {
    return this.#sequence;
  }

  /** Decides the fate of a message of `size` bytes; a send (a number) consumes a sequence number. */
  decide(size: number): LossyDecision {
    if (size > this.#maxMessageSize) {
      return { kind: "oversized", report: this.#countOversized(size) };
    }
    if (!this.published) {
      this.#debug("data track not published yet; dropping message");
      return NOT_PUBLISHED;
    }
    const sequence = this.#sequence;
    this.#sequence = (this.#sequence + 1) >>> 0;
    return sequence;
  }

  /** Records that pushing a built frame failed (e.g. the track's queue is full). */
  pushFailed(): void {
    this.#debug("data track push failed; dropping message");
  }

  #countOversized(size: number): DropReport | undefined {
    const suppressed = this.#oversizeThrottle.tryAcquire();
    if (suppressed === undefined) {
      return undefined;
    }
    // The session logs it and warns the viewers, naming the topic.
    return { droppedSinceLast: 1 + suppressed, sizeLimit: this.#maxMessageSize, lastSize: size };
  }

  #debug(message: string): void {
    if (this.#debugThrottle.tryAcquire() !== undefined) {
      log.debug(`channel ${this.#channelId}: ${message}`);
    }
  }
}
