import type { ChannelId } from "./ChannelDescriptor.js";
import { FoxgloveError } from "./FoxgloveError.js";
import {
  ADD_CHANNEL,
  FIND_MATCHING,
  MARK_CLOSED,
  NOTIFY_LISTENERS,
  REMOVE_CHANNEL,
  SET_SINKS,
} from "./internal.js";
import { log } from "./logger.js";
import type { RawChannel } from "./RawChannel.js";
import { schemasEqual, type Schema } from "./Schema.js";
import type { Sink, SinkId } from "./Sink.js";
import { Subscriptions } from "./Subscriptions.js";

interface SinkEntry {
  readonly sink: Sink;
  /** Channels that passed the sink's filter and were announced to it. */
  readonly visible: Set<ChannelId>;
}

const NO_SINKS: readonly Sink[] = Object.freeze([]);

/**
 * Binds channels to sinks: every channel and sink belongs to one context; sinks are told about
 * the context's channels and receive what is logged on the channels they are subscribed to.
 *
 * Most programs use {@link Context.default}. A separate context keeps its channels and sinks
 * apart (e.g. two MCAP files with different channels). All methods are synchronous.
 */
export class Context implements Disposable {
  static #default: Context | undefined;

  readonly #channels = new Map<ChannelId, RawChannel>();
  readonly #byTopic = new Map<string, RawChannel[]>();
  readonly #sinks = new Map<SinkId, SinkEntry>();
  readonly #subs = new Subscriptions();
  /** Subscribed state of channels touched by the running operation, before it started. */
  readonly #touched = new Map<RawChannel, boolean>();
  #depth = 0;

  /** The process-wide default context, created on first use. */
  static default(): Context {
    return (Context.#default ??= new Context());
  }

  /**
   * The first open channel created on `topic` in this context, or `undefined`. (Several channels
   * may share a topic; use a unique topic per channel.)
   */
  getChannelByTopic(topic: string): RawChannel | undefined {
    return this.#byTopic.get(topic)?.[0];
  }

  /** The open channel with id `id` in this context, or `undefined`. */
  getChannel(id: ChannelId): RawChannel | undefined {
    return this.#channels.get(id);
  }

  /** A snapshot of the open channels of this context, in creation order. */
  channels(): RawChannel[] {
    return [...this.#channels.values()];
  }

  /**
   * Adds a sink: announces every visible channel to it (`addChannels`) and subscribes it to all
   * of them if it auto-subscribes, else to the ids `addChannels` returned.
   * @returns false if a sink with the same id is already registered
   * @throws {FoxgloveError} `ERR_VALUE` if `sink` lacks a numeric `id` or a `log` function
   */
  addSink(sink: Sink): boolean {
    if (typeof sink !== "object" || sink === null || typeof sink.log !== "function") {
      throw new FoxgloveError("ERR_VALUE", "a sink needs a log() method");
    }
    if (typeof sink.id !== "number") {
      throw new FoxgloveError("ERR_VALUE", "a sink needs a numeric id (use nextSinkId())");
    }
    if (this.#sinks.has(sink.id)) {
      return false;
    }
    const entry: SinkEntry = { sink, visible: new Set() };
    this.#sinks.set(sink.id, entry);
    this.#begin();
    try {
      const visible = [...this.#channels.values()].filter((c) => this.#admit(entry, c));
      const ids = visible.length > 0 ? this.#announce(entry, visible) : undefined;
      if (this.#sinks.get(sink.id) !== entry) {
        return true; // removed from inside addChannels
      }
      if (sink.autoSubscribe !== false) {
        this.#subs.subscribeGlobal(sink.id);
        this.#refresh(entry.visible);
      } else if (ids !== undefined) {
        this.#refresh(this.#subs.subscribeChannels(sink.id, this.#visibleIds(entry, ids)));
      }
      return true;
    } finally {
      this.#end();
    }
  }

  /**
   * Removes a sink and all its subscriptions. The sink is not called again.
   * @returns false if no sink with this id is registered
   */
  removeSink(id: SinkId): boolean {
    const entry = this.#sinks.get(id);
    if (entry === undefined) {
      return false;
    }
    this.#begin();
    try {
      this.#sinks.delete(id);
      const removed = this.#subs.removeSink(id);
      this.#refresh(removed === "all" ? entry.visible : removed);
      return true;
    } finally {
      this.#end();
    }
  }

  /**
   * Subscribes a sink that manages its own subscriptions (`autoSubscribe: false`) to channels.
   * Unknown sinks, unknown or filtered-out channel ids, and auto-subscribing sinks are ignored.
   */
  subscribeChannels(sinkId: SinkId, channelIds: readonly ChannelId[]): void {
    const entry = this.#sinks.get(sinkId);
    if (entry === undefined || entry.sink.autoSubscribe !== false) {
      return;
    }
    this.#begin();
    try {
      this.#refresh(this.#subs.subscribeChannels(sinkId, this.#visibleIds(entry, channelIds)));
    } finally {
      this.#end();
    }
  }

  /** Unsubscribes a sink from channels; ids it is not subscribed to are ignored. */
  unsubscribeChannels(sinkId: SinkId, channelIds: readonly ChannelId[]): void {
    this.#begin();
    try {
      this.#refresh(this.#subs.unsubscribeChannels(sinkId, channelIds));
    } finally {
      this.#end();
    }
  }

  /**
   * Disconnects everything: closes every channel (sinks get `removeChannel`), then forgets all
   * sinks. Logging on those channels afterwards only warns (throttled). The context itself stays
   * usable for new channels and sinks.
   */
  close(): void {
    this.#begin();
    try {
      for (const channel of [...this.#channels.values()]) {
        this[REMOVE_CHANNEL](channel.id);
      }
      this.#sinks.clear();
      this.#subs.clear();
    } finally {
      this.#end();
    }
  }

  /** Same as {@link Context.close}. */
  [Symbol.dispose](): void {
    this.close();
  }

  /** @internal An open channel equal in topic, encoding, schema and metadata, if any. */
  [FIND_MATCHING](
    topic: string,
    messageEncoding: string,
    schema: Schema | undefined,
    metadata: Readonly<Record<string, string>>,
  ): RawChannel | undefined {
    return this.#byTopic
      .get(topic)
      ?.find(
        (c) =>
          c.messageEncoding === messageEncoding &&
          schemasEqual(c.schema, schema) &&
          metadataEqual(c.metadata, metadata),
      );
  }

  /** @internal Registers a new channel, announces it to sinks and connects subscribers. */
  [ADD_CHANNEL](channel: RawChannel): void {
    this.#begin();
    try {
      this.#channels.set(channel.id, channel);
      const sameTopic = this.#byTopic.get(channel.topic);
      if (sameTopic === undefined) {
        this.#byTopic.set(channel.topic, [channel]);
      } else {
        sameTopic.push(channel);
        log.warn(
          `a channel on topic ${JSON.stringify(channel.topic)} already exists in this context;` +
            " use a unique topic for each channel",
        );
      }
      for (const entry of [...this.#sinks.values()]) {
        if (!this.#channels.has(channel.id)) {
          return; // closed from inside a sink callback
        }
        if (this.#sinks.get(entry.sink.id) !== entry || !this.#admit(entry, channel)) {
          continue;
        }
        const ids = this.#announce(entry, [channel]);
        if (entry.sink.autoSubscribe === false && ids?.includes(channel.id) === true) {
          this.#subs.subscribeChannels(entry.sink.id, [channel.id]);
        }
      }
      this.#refresh([channel.id]);
    } finally {
      this.#end();
    }
  }

  /** @internal Closes a channel: drops its subscriptions, then tells the sinks that saw it. */
  [REMOVE_CHANNEL](id: ChannelId): boolean {
    const channel = this.#channels.get(id);
    if (channel === undefined) {
      return false;
    }
    this.#begin();
    try {
      this.#channels.delete(id);
      const sameTopic = this.#byTopic.get(channel.topic)?.filter((c) => c !== channel) ?? [];
      if (sameTopic.length === 0) {
        this.#byTopic.delete(channel.topic);
      } else {
        this.#byTopic.set(channel.topic, sameTopic);
      }
      this.#subs.removeChannel(id);
      this.#touch(channel);
      channel[MARK_CLOSED]();
      for (const entry of [...this.#sinks.values()]) {
        if (entry.visible.delete(id) && entry.sink.removeChannel !== undefined) {
          try {
            entry.sink.removeChannel(channel);
          } catch (error) {
            log.warn(`sink ${entry.sink.id} failed in removeChannel(${channel.topic}):`, error);
          }
        }
      }
      return true;
    } finally {
      this.#end();
    }
  }

  /** Applies the sink's filter; remembers the channel as visible to it if it passes. */
  #admit(entry: SinkEntry, channel: RawChannel): boolean {
    const filter = entry.sink.channelFilter;
    let ok = true;
    if (filter !== undefined) {
      try {
        ok = filter(channel) === true;
      } catch (error) {
        log.warn(`channel filter of sink ${entry.sink.id} threw on ${channel.topic}:`, error);
        ok = false;
      }
    }
    if (ok) {
      entry.visible.add(channel.id);
    }
    return ok;
  }

  /** Calls the sink's addChannels; returns the ids it asked for (errors are logged). */
  #announce(entry: SinkEntry, channels: RawChannel[]): readonly ChannelId[] | undefined {
    if (entry.sink.addChannels === undefined) {
      return undefined;
    }
    try {
      const ids = entry.sink.addChannels(channels);
      return Array.isArray(ids) ? ids : undefined;
    } catch (error) {
      log.warn(`sink ${entry.sink.id} failed in addChannels:`, error);
      return undefined;
    }
  }

  #visibleIds(entry: SinkEntry, ids: readonly ChannelId[]): ChannelId[] {
    return ids.filter((id) => entry.visible.has(id) && this.#channels.has(id));
  }

  /** Recomputes the subscribed sinks of the given channels. */
  #refresh(ids: Iterable<ChannelId>): void {
    for (const id of ids) {
      const channel = this.#channels.get(id);
      if (channel === undefined) {
        continue;
      }
      const sinks: Sink[] = [];
      for (const entry of this.#sinks.values()) {
        if (entry.visible.has(id) && this.#subs.isSubscribed(entry.sink.id, id)) {
          sinks.push(entry.sink);
        }
      }
      this.#touch(channel);
      channel[SET_SINKS](sinks.length === 0 ? NO_SINKS : Object.freeze(sinks));
    }
  }

  #touch(channel: RawChannel): void {
    if (!this.#touched.has(channel)) {
      this.#touched.set(channel, channel.hasSinks());
    }
  }

  #begin(): void {
    this.#depth++;
  }

  /** Ends an operation; the outermost one tells channel listeners about net changes. */
  #end(): void {
    if (--this.#depth > 0) {
      return;
    }
    while (this.#touched.size > 0) {
      const [channel, before] = this.#touched.entries().next().value as [RawChannel, boolean];
      this.#touched.delete(channel);
      if (channel.hasSinks() !== before) {
        channel[NOTIFY_LISTENERS](!before);
      }
    }
  }
}

function metadataEqual(
  a: Readonly<Record<string, string>>,
  b: Readonly<Record<string, string>>,
): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => b[k] === a[k] && k in b);
}
