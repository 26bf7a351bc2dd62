import type { ChannelId } from "./ChannelDescriptor.js";
import type { SinkId } from "./Sink.js";

/**
 * Who is subscribed to what, as pure bookkeeping: global subscribers (auto-subscribing sinks,
 * subscribed to every channel) and per-channel subscriptions. The two are kept disjoint:
 * per-channel changes for a global subscriber are no-ops.
 */
export class Subscriptions {
  readonly #global = new Set<SinkId>();
  readonly #byChannel = new Map<ChannelId, Set<SinkId>>();
  readonly #bySink = new Map<SinkId, Set<ChannelId>>();

  /** Makes `sink` a global subscriber, dropping its per-channel entries. True if it was not one. */
  subscribeGlobal(sink: SinkId): boolean {
    if (this.#global.has(sink)) {
      return false;
    }
    this.removeSink(sink);
    this.#global.add(sink);
    return true;
  }

  /** Subscribes `sink` to `channels`; returns the ids that were newly subscribed. */
  subscribeChannels(sink: SinkId, channels: Iterable<ChannelId>): ChannelId[] {
    if (this.#global.has(sink)) {
      return [];
    }
    const changed: ChannelId[] = [];
    let mine = this.#bySink.get(sink);
    for (const id of channels) {
      if (mine?.has(id) === true) {
        continue;
      }
      if (mine === undefined) {
        mine = new Set();
        this.#bySink.set(sink, mine);
      }
      mine.add(id);
      let subs = this.#byChannel.get(id);
      if (subs === undefined) {
        subs = new Set();
        this.#byChannel.set(id, subs);
      }
      subs.add(sink);
      changed.push(id);
    }
    return changed;
  }

  /** Unsubscribes `sink` from `channels`; returns the ids that were actually subscribed. */
  unsubscribeChannels(sink: SinkId, channels: Iterable<ChannelId>): ChannelId[] {
    const mine = this.#bySink.get(sink);
    if (mine === undefined) {
      return [];
    }
    const changed: ChannelId[] = [];
    for (const id of channels) {
      if (!mine.delete(id)) {
        continue;
      }
      changed.push(id);
      const subs = this.#byChannel.get(id);
      subs?.delete(sink);
      if (subs?.size === 0) {
        this.#byChannel.delete(id);
      }
    }
    if (mine.size === 0) {
      this.#bySink.delete(sink);
    }
    return changed;
  }

  /**
   * Forgets every subscription of `sink`. Returns `"all"` if it was a global subscriber, else
   * the channel ids it was subscribed to.
   */
  removeSink(sink: SinkId): "all" | ChannelId[] {
    if (this.#global.delete(sink)) {
      return "all";
    }
    const mine = this.#bySink.get(sink);
    return mine === undefined ? [] : this.unsubscribeChannels(sink, [...mine]);
  }

  /** Forgets every per-channel subscription to `channel`. */
  removeChannel(channel: ChannelId): void {
    const subs = this.#byChannel.get(channel);
    if (subs === undefined) {
      return;
    }
    this.#byChannel.delete(channel);
    for (const sink of subs) {
      const mine = this.#bySink.get(sink);
      mine?.delete(channel);
      if (mine?.size === 0) {
        this.#bySink.delete(sink);
      }
    }
  }

  /** True if `sink` receives `channel` (globally or per channel). */
  isSubscribed(sink: SinkId, channel: ChannelId): boolean {
    return this.#global.has(sink) || this.#byChannel.get(channel)?.has(sink) === true;
  }

  /** True if `sink` is a global subscriber. */
  isGlobal(sink: SinkId): boolean {
    return this.#global.has(sink);
  }

  /** Forgets everything. */
  clear(): void {
    this.#global.clear();
    this.#byChannel.clear();
    this.#bySink.clear();
  }
}
