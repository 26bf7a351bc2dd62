import { FoxgloveError } from "../core/FoxgloveError.js";
import type { AdvertisedChannel } from "../protocol/index.js";
import { toViewerChannel, type ViewerChannel } from "./ViewerChannel.js";

/** What one `advertise`, `unadvertise` or reset changed in a {@link ChannelTable}. */
export interface ChannelChange {
  /** Channels with an id not known before. */
  readonly added: readonly ViewerChannel[];
  /** New descriptions of known ids (the old ones are gone). */
  readonly replaced: readonly ViewerChannel[];
  /** Channels that no longer exist. */
  readonly removed: readonly ViewerChannel[];
}

/** Result of {@link ChannelTable.advertise}: the change, and entries that could not be used. */
export interface AdvertiseResult {
  readonly change: ChannelChange;
  /** One `ERR_DECODE` error per rejected entry (the other entries still apply). */
  readonly errors: readonly FoxgloveError[];
}

/**
 * The channels a device currently advertises, by id and by topic (pure, no I/O). An `advertise`
 * for a known id replaces that channel; `unadvertise` of an unknown id is a no-op (spec 5.4).
 */
export class ChannelTable {
  readonly #byId = new Map<number, ViewerChannel>();
  readonly #byTopic = new Map<string, Set<number>>();

  /** Number of channels. */
  get size(): number {
    return this.#byId.size;
  }

  /** The channel with `id`, if advertised. */
  get(id: number): ViewerChannel | undefined {
    return this.#byId.get(id);
  }

  /** Channels publishing on `topic` (usually one), in id order. */
  byTopic(topic: string): ViewerChannel[] {
    const ids = this.#byTopic.get(topic);
    if (ids === undefined) {
      return [];
    }
    return [...ids].sort((a, b) => a - b).map((id) => this.#byId.get(id)!);
  }

  /** Every channel, in id order. */
  list(): ViewerChannel[] {
    return [...this.#byId.values()].sort((a, b) => a.id - b.id);
  }

  /** Applies an `advertise`; entries with an unusable schema are skipped and reported. */
  advertise(channels: readonly AdvertisedChannel[]): AdvertiseResult {
    // id -> (new description, whether the id was known before this message); insertion order kept.
    const applied = new Map<number, { channel: ViewerChannel; known: boolean }>();
    const errors: FoxgloveError[] = [];
    for (const advertised of channels) {
      let channel: ViewerChannel;
      try {
        channel = toViewerChannel(advertised);
      } catch (error) {
        errors.push(
          error instanceof FoxgloveError
            ? error
            : new FoxgloveError("ERR_DECODE", `bad channel ${advertised.id}`, { cause: error }),
        );
        continue;
      }
      const old = this.#byId.get(channel.id);
      if (old !== undefined) {
        this.#unindex(old);
      }
      const known = applied.get(channel.id)?.known ?? old !== undefined;
      applied.delete(channel.id);
      applied.set(channel.id, { channel, known });
      this.#byId.set(channel.id, channel);
      let ids = this.#byTopic.get(channel.topic);
      if (ids === undefined) {
        ids = new Set();
        this.#byTopic.set(channel.topic, ids);
      }
      ids.add(channel.id);
    }
    const added: ViewerChannel[] = [];
    const replaced: ViewerChannel[] = [];
    for (const { channel, known } of applied.values()) {
      (known ? replaced : added).push(channel);
    }
    return { change: { added, replaced, removed: [] }, errors };
  }

  /** Applies an `unadvertise`; returns the channels that were removed. */
  unadvertise(ids: readonly number[]): ChannelChange {
    const removed: ViewerChannel[] = [];
    for (const id of ids) {
      const channel = this.#byId.get(id);
      if (channel !== undefined) {
        this.#byId.delete(id);
        this.#unindex(channel);
        removed.push(channel);
      }
    }
    return { added: [], replaced: [], removed };
  }

  /** Forgets every channel (a reset); returns them as removed. */
  clear(): ChannelChange {
    const removed = this.list();
    this.#byId.clear();
    this.#byTopic.clear();
    return { added: [], replaced: [], removed };
  }

  #unindex(channel: ViewerChannel): void {
    const ids = this.#byTopic.get(channel.topic);
    ids?.delete(channel.id);
    if (ids !== undefined && ids.size === 0) {
      this.#byTopic.delete(channel.topic);
    }
  }
}
