import { log } from "../../core/logger.js";
import { dataTrackName, writeDataTrackFrameHeader } from "../../protocol/index.js";
import type { DropReport } from "../../remote/ViewerMedia.js";
import { LossyTrackState } from "./LossyTrackState.js";
import { DEFAULT_MAX_DATA_TRACK_MESSAGE_SIZE } from "./sessionDefaults.js";

/** A published LiveKit data track as the session uses it. */
export interface PublishedDataTrack {
  /**
   * Queues the frame `header` + `data` (both may be reused by the caller once this returns);
   * false (or a throw) when it cannot be sent. Never blocks.
   */
  tryPush(header: Uint8Array, data: Uint8Array, userTimestamp: bigint): boolean;
  /** Unpublishes the track. */
  unpublish(): Promise<void>;
}

/** Options of {@link LossyDataTracks}. */
export interface LossyDataTracksOptions<T extends PublishedDataTrack> {
  /** Publishes a data track named `name`; rejects on failure (retried with backoff). */
  readonly publish: (name: string, signal: AbortSignal) => Promise<T>;
  /** True for the "duplicate name" error (an older track still unpublishing): logged at debug. */
  readonly isDuplicateName?: (error: unknown) => boolean;
  /** Largest message in bytes (default 100 KiB). */
  readonly maxMessageSize?: number;
  /** The session's lifetime: aborting it stops every retry. */
  readonly signal: AbortSignal;
  /** Waits `ms` or until `signal` aborts (default: a timer). Injectable for tests. */
  readonly delay?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Monotonic clock in ms for the 30 s throttles (default `performance.now`). */
  readonly now?: () => number;
}

/** First and largest retry delay of a failed publish, in ms (doubling in between). */
export const PUBLISH_RETRY_MS = { first: 100, max: 3000 } as const;

interface TrackEntry<T> {
  readonly state: LossyTrackState;
  readonly controller: AbortController;
  track: T | undefined;
  publishing: Promise<void>;
}

/**
 * The data tracks of a session's Lossy channels: one `data-ch-<id>` track per channel, published
 * when the channel is advertised (retrying with backoff 100 ms → 3 s), unpublished when it is
 * removed. `push` applies the size cap, numbers frames and try-pushes them with the log time as
 * user timestamp. Implements the lossy part of `SessionDataPlane`.
 */
export class LossyDataTracks<T extends PublishedDataTrack> {
  readonly #options: LossyDataTracksOptions<T>;
  readonly #tracks = new Map<number, TrackEntry<T>>();
  readonly #closing = new Set<Promise<void>>();
  /** The frame header, rewritten for every frame (the track copies what it keeps). */
  readonly #header = new Uint8Array(8);

  constructor(options: LossyDataTracksOptions<T>) {
    this.#options = options;
  }

  /** True when the channel's track is published. */
  isPublished(channelId: number): boolean {
    return this.#tracks.get(channelId)?.track !== undefined;
  }

  /** Starts publishing the channel's track in the background (no-op when already open). */
  open(channelId: number): void {
    if (this.#tracks.has(channelId) || this.#options.signal.aborted) {
      return;
    }
    const controller = new AbortController();
    const entry: TrackEntry<T> = {
      state: new LossyTrackState(
        channelId,
        this.#options.maxMessageSize ?? DEFAULT_MAX_DATA_TRACK_MESSAGE_SIZE,
        this.#options.now,
      ),
      controller,
      track: undefined,
      publishing: Promise.resolve(),
    };
    entry.publishing = this.#publishLoop(channelId, entry);
    this.#tracks.set(channelId, entry);
  }

  /** Sends one message (see `SessionDataPlane.pushLossy`); never throws. */
  push(channelId: number, data: Uint8Array, logTime: bigint): DropReport | undefined {
    const entry = this.#tracks.get(channelId);
    if (entry === undefined) {
      return undefined;
    }
    const decision = entry.state.decide(data.byteLength);
    if (typeof decision !== "number") {
      return decision.kind === "oversized" ? decision.report : undefined;
    }
    let ok = false;
    try {
      writeDataTrackFrameHeader(decision, this.#header);
      ok = entry.track!.tryPush(this.#header, data, logTime);
    } catch {
      ok = false;
    }
    if (!ok) {
      entry.state.pushFailed();
    }
    return undefined;
  }

  /** Stops retries, waits for an in-flight publish, unpublishes (in the background). */
  close(channelId: number): void {
    const entry = this.#tracks.get(channelId);
    if (entry === undefined) {
      return;
    }
    this.#tracks.delete(channelId);
    entry.controller.abort();
    const closing = entry.publishing
      .then(async () => {
        const track = entry.track;
        entry.track = undefined;
        entry.state.published = false;
        await track?.unpublish();
      })
      .catch((error: unknown) =>
        log.debug(`unpublishing data track of channel ${channelId} failed`, error),
      )
      .finally(() => this.#closing.delete(closing));
    this.#closing.add(closing);
  }

  /** Closes every track and resolves when all are unpublished. */
  async closeAll(): Promise<void> {
    for (const id of [...this.#tracks.keys()]) {
      this.close(id);
    }
    await Promise.all([...this.#closing]);
  }

  async #publishLoop(channelId: number, entry: TrackEntry<T>): Promise<void> {
    const signal = AbortSignal.any([this.#options.signal, entry.controller.signal]);
    const name = dataTrackName(channelId);
    const delay = this.#options.delay ?? abortableDelay;
    let backoff: number = PUBLISH_RETRY_MS.first;
    while (!signal.aborted) {
      try {
        const track = await this.#options.publish(name, signal);
        if (signal.aborted) {
          await track.unpublish().catch(() => undefined); // closed while publishing
          return;
        }
        entry.track = track;
        entry.state.published = true;
        return;
      } catch (error) {
        if (signal.aborted) {
          return;
        }
        if (this.#options.isDuplicateName?.(error) === true) {
          log.debug(`data track ${name} still being unpublished; retrying`);
        } else {
          log.error(`failed to publish data track ${name}; retrying`, error);
        }
      }
      await delay(backoff, signal);
      backoff = Math.min(backoff * 2, PUBLISH_RETRY_MS.max);
    }
  }
}

async function abortableDelay(ms: number, signal: AbortSignal): Promise<void> {
  await new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}
