import { FoxgloveError } from "../core/FoxgloveError.js";
import { log } from "../core/logger.js";
import {
  SchemaTableReader,
  type AdvertisedService,
  type ClientMessage,
  type ServerInfo,
  type ServerMessage,
  type Status,
} from "../protocol/index.js";
import { ChannelTable, type ChannelChange } from "./ChannelTable.js";
import type { Emitter } from "./Emitter.js";
import { PingTracker, type PingClocks } from "./PingTracker.js";
import { Subscription, type SubscribeOptions, type SubscriptionTarget } from "./Subscription.js";
import type { ViewerChannel } from "./ViewerChannel.js";
import type { ViewerEvents } from "./ViewerEvents.js";
import { ViewerActions } from "./ViewerActions.js";

/** What the core asks its I/O shell to do. */
export interface ViewerCoreEffects {
  /** Sends a message to the device on the viewer's control stream. */
  send(message: ClientMessage): void;
  /** Starts receiving the data track `data-ch-<channelId>` (a Lossy channel got subscribed). */
  openDataTrack(channelId: number): void;
  /** Stops receiving the data track of `channelId`. */
  closeDataTrack(channelId: number): void;
  /** Bytes sent on the control stream but not yet on the wire (default: 0, unknown). */
  backlogBytes?(): number;
}

/** The viewer's video subscriptions, as the data side needs to know them. */
export interface VideoChannels {
  /** Channel `channelId` is received as video. */
  has(channelId: number): boolean;
  /** `channel` is received as video, or will be once advertised (a subscription waits for it). */
  claims(channel: ViewerChannel): boolean;
}

/** Options of {@link ViewerCore}. */
export interface ViewerCoreOptions {
  readonly effects: ViewerCoreEffects;
  readonly events: Emitter<ViewerEvents>;
  /** Clocks for ping round-trip times (tests). */
  readonly clocks?: PingClocks;
  /** Channels this viewer receives as video: data subscriptions leave them alone. */
  readonly videoChannels?: VideoChannels;
}

/**
 * The viewer's decision logic, without I/O: it applies the device's messages (channels, services,
 * statuses, resets), keeps subscriptions bound to matching channels, decides when to send
 * `subscribe`/`unsubscribe` and which data tracks to receive, and routes messages from the control
 * stream and from data tracks to subscriptions. Every method is synchronous.
 */
export class ViewerCore {
  readonly #effects: ViewerCoreEffects;
  readonly #events: Emitter<ViewerEvents>;
  readonly #table = new ChannelTable();
  /** Schemas defined on the current control stream (protocol 2.3.0); cleared on `serverInfo`. */
  readonly #schemas = new SchemaTableReader();
  readonly #services = new Map<number, AdvertisedService>();
  readonly #statuses = new Map<string, Status>();
  readonly #subs = new Set<Subscription>();
  /** Subscribed channel id → the subscriptions bound to it (never empty). */
  readonly #bound = new Map<number, Set<Subscription>>();
  /** Channel ids whose data track the shell was asked to receive. */
  readonly #dataTracks = new Set<number>();
  readonly #pings: PingTracker;
  readonly #actions: ViewerActions;
  readonly #video: VideoChannels;
  #serverInfo: ServerInfo | undefined;
  #closed = false;
  #ignored = 0;

  constructor(options: ViewerCoreOptions) {
    this.#effects = options.effects;
    this.#events = options.events;
    this.#pings = new PingTracker(options.clocks);
    this.#video = options.videoChannels ?? { has: () => false, claims: () => false };
    this.#actions = new ViewerActions({
      send: (message) => this.#effects.send(message),
      serverInfo: () => this.#serverInfo,
      services: () => this.#services.values(),
      backlogBytes: () => this.#effects.backlogBytes?.() ?? 0,
    });
  }

  /** Requests to the device: client publish, parameters, services, graph, assets. */
  get actions(): ViewerActions {
    return this.#actions;
  }

  /** The device's `serverInfo` on the current control stream, if received. */
  get serverInfo(): ServerInfo | undefined {
    return this.#serverInfo;
  }

  /** Advertised channels, in id order. */
  get channels(): ViewerChannel[] {
    return this.#table.list();
  }

  /** Advertised services, in id order. */
  get services(): AdvertisedService[] {
    return [...this.#services.values()].sort((a, b) => a.id - b.id);
  }

  /** Statuses with an id that the device has not withdrawn. */
  get statuses(): Status[] {
    return [...this.#statuses.values()];
  }

  /** Active subscriptions. */
  get subscriptions(): Subscription[] {
    return [...this.#subs];
  }

  /** Channel ids currently subscribed at the device, ascending. */
  get subscribedChannelIds(): number[] {
    return [...this.#bound.keys()].sort((a, b) => a - b);
  }

  /** Messages or frames dropped because no subscription wanted them. */
  get ignoredMessages(): number {
    return this.#ignored;
  }

  /** The channel with `id`, if advertised. */
  channel(id: number): ViewerChannel | undefined {
    return this.#table.get(id);
  }

  /** Channels advertised on `topic`, in id order. */
  channelsByTopic(topic: string): ViewerChannel[] {
    return this.#table.byTopic(topic);
  }

  /**
   * Subscribes to a topic or a channel (see {@link Subscription}). Throws FoxgloveError
   * `ERR_CHANNEL_CLOSED` after close, `ERR_VALUE` for a channel id that is not advertised.
   */
  subscribe(target: SubscriptionTarget, options: SubscribeOptions = {}): Subscription {
    if (this.#closed) {
      throw new FoxgloveError("ERR_CHANNEL_CLOSED", "the viewer is closed");
    }
    if (target.kind === "channel" && this.#table.get(target.id) === undefined) {
      throw new FoxgloveError("ERR_VALUE", `channel ${target.id} is not advertised`);
    }
    if (target.kind === "channel" && this.#video.has(target.id)) {
      throw new FoxgloveError(
        "ERR_VALUE",
        `channel ${target.id} is subscribed as video by this viewer; unsubscribe that first`,
      );
    }
    const sub = new Subscription(target, options, (s) => this.#unsubscribed(s));
    this.#subs.add(sub);
    const needed: ViewerChannel[] = [];
    for (const channel of this.#table.list()) {
      if (sub.matches(channel) && !this.#video.has(channel.id) && this.#bind(channel, sub)) {
        needed.push(channel);
      }
    }
    this.#subscribeAtDevice(needed);
    const signal = options.signal;
    if (signal !== undefined) {
      if (signal.aborted) {
        sub.unsubscribe();
      } else {
        const onAbort = () => sub.unsubscribe();
        signal.addEventListener("abort", onAbort, { once: true });
      }
    }
    return sub;
  }

  /** Starts a ping; returns the message to send and a promise of the round-trip time (ms). */
  startPing(timeoutMs: number): Promise<number> {
    if (this.#closed) {
      return Promise.reject(new FoxgloveError("ERR_CHANNEL_CLOSED", "the viewer is closed"));
    }
    const { appTimestamp, rttMs } = this.#pings.start(timeoutMs);
    this.#effects.send({ op: "ping", appTimestamp });
    return rttMs;
  }

  /** Applies one message from the device's control stream, then emits `message`. */
  handleMessage(message: ServerMessage): void {
    if (this.#closed) {
      return;
    }
    switch (message.op) {
      case "serverInfo":
        this.#schemas.clear();
        this.#serverInfo = message;
        this.#actions.restore(message);
        this.#events.emit("serverInfo", message);
        break;
      case "advertise": {
        // Either advertise form, told apart by shape: reads 2.2.0 and 2.3.0 devices alike.
        const { channels, errors } = this.#schemas.read(message);
        for (const error of errors) {
          this.#events.emit("error", error);
        }
        this.#advertise(channels);
        break;
      }
      case "unadvertise":
        this.#unadvertise(message.channelIds);
        break;
      case "status":
        if (message.id !== undefined) {
          this.#statuses.set(message.id, message);
        }
        this.#actions.handle(message);
        this.#events.emit("status", message);
        break;
      case "removeStatus":
        for (const id of message.statusIds) {
          this.#statuses.delete(id);
        }
        this.#events.emit("removeStatus", message.statusIds);
        break;
      case "advertiseServices":
        for (const service of message.services) {
          this.#services.set(service.id, service);
        }
        this.#events.emit("services", this.services);
        break;
      case "unadvertiseServices":
        for (const id of message.serviceIds) {
          this.#services.delete(id);
        }
        this.#events.emit("services", this.services);
        break;
      case "messageData":
        this.#deliverReliable(message.channelId, message.logTime, message.data);
        break;
      case "pong":
        if (this.#pings.pong(message.appTimestamp) !== undefined) {
          this.#effects.send({ op: "pingAck", deviceTimestamp: message.deviceTimestamp });
        }
        break;
      case "parameterValues":
      case "connectionGraphUpdate":
      case "serviceCallFailure":
      case "serviceCallResponse":
      case "fetchAssetResponse":
        this.#actions.handle(message);
        break;
      case "time":
      case "playbackState":
        break; // Not handled by this viewer; available through the `message` event.
    }
    this.#events.emit("message", message);
  }

  /**
   * Routes one data-track message of channel `channelId` (the id comes from the track name).
   * `lost` frames were skipped just before it. Returns false when nobody wanted it (channel
   * unknown, not subscribed, or Reliable): such frames are dropped, as the spec requires.
   */
  handleDataTrackMessage(
    channelId: number,
    data: Uint8Array,
    logTime: bigint,
    sequence: number,
    lost: number,
  ): boolean {
    const channel = this.#table.get(channelId);
    const subs = this.#bound.get(channelId);
    if (this.#closed || channel === undefined || subs === undefined || channel.reliable) {
      this.#ignored += 1;
      return false;
    }
    const message = { channel, logTime, data, source: "dataTrack" as const, sequence };
    for (const sub of subs) {
      if (lost > 0) {
        sub.noteLost(lost);
      }
      sub.deliver(message);
    }
    return true;
  }

  /**
   * The device opened a new control stream: forget channels, services and statuses learned on
   * the old one (spec 1.9 step 7). Subscriptions stay and bind again as channels reappear.
   */
  reset(): void {
    if (this.#closed) {
      return;
    }
    this.#serverInfo = undefined;
    const hadServices = this.#services.size > 0;
    this.#services.clear();
    this.#statuses.clear();
    this.#actions.reset();
    this.#releaseAll();
    const change = this.#table.clear();
    this.#events.emit("reset");
    if (change.removed.length > 0) {
      this.#events.emit("channels", [], change);
    }
    if (hadServices) {
      this.#events.emit("services", []);
    }
  }

  /** Ends every subscription and outstanding ping; later input is ignored. Idempotent. */
  close(error?: FoxgloveError): void {
    if (this.#closed) {
      return;
    }
    this.#releaseAll();
    this.#closed = true;
    for (const sub of this.#subs) {
      sub.end();
    }
    this.#subs.clear();
    this.#pings.failAll(error ?? new FoxgloveError("ERR_CHANNEL_CLOSED", "the viewer closed"));
    this.#actions.close(error);
  }

  // -------------------------------------------------------------------------------------------

  #advertise(channels: Parameters<ChannelTable["advertise"]>[0]): void {
    const { change, errors } = this.#table.advertise(channels);
    for (const error of errors) {
      this.#events.emit("error", error);
    }
    const needed: ViewerChannel[] = [];
    const released: number[] = [];
    for (const channel of [...change.added, ...change.replaced]) {
      const before = this.#bound.get(channel.id);
      const hadTrack = this.#dataTracks.has(channel.id);
      const now = new Set(
        this.#video.claims(channel) ? [] : [...this.#subs].filter((s) => s.matches(channel)),
      );
      for (const sub of before ?? []) {
        if (!now.has(sub)) {
          sub.unbind(channel.id);
        }
      }
      if (now.size === 0) {
        if (before !== undefined) {
          this.#bound.delete(channel.id);
          this.#closeDataTrack(channel.id);
          released.push(channel.id);
        }
        continue;
      }
      for (const sub of now) {
        sub.bind(channel);
      }
      this.#bound.set(channel.id, now);
      if (before === undefined) {
        needed.push(channel);
      } else if (hadTrack === channel.reliable) {
        // The channel's reliability changed: follow it on the data-track side.
        if (channel.reliable) {
          this.#closeDataTrack(channel.id);
        } else {
          this.#openDataTrack(channel.id);
        }
      }
    }
    if (released.length > 0) {
      this.#effects.send({ op: "unsubscribe", channelIds: released });
    }
    this.#subscribeAtDevice(needed);
    if (change.added.length > 0 || change.replaced.length > 0) {
      this.#events.emit("channels", this.#table.list(), change);
    }
  }

  #unadvertise(ids: readonly number[]): void {
    const change: ChannelChange = this.#table.unadvertise(ids);
    for (const channel of change.removed) {
      const subs = this.#bound.get(channel.id);
      this.#bound.delete(channel.id);
      this.#closeDataTrack(channel.id);
      for (const sub of subs ?? []) {
        sub.unbind(channel.id);
      }
      // A channel subscription ends with its channel (the device already dropped it).
      for (const sub of [...this.#subs]) {
        if (sub.target.kind === "channel" && sub.target.id === channel.id) {
          this.#subs.delete(sub);
          sub.end();
        }
      }
    }
    if (change.removed.length > 0) {
      this.#events.emit("channels", this.#table.list(), change);
    }
  }

  #deliverReliable(channelId: number, logTime: bigint, data: Uint8Array): void {
    const channel = this.#table.get(channelId);
    const subs = this.#bound.get(channelId);
    if (channel === undefined || subs === undefined) {
      this.#ignored += 1;
      log.debug(`ignoring MessageData for channel ${channelId}: not subscribed`);
      return;
    }
    const message = { channel, logTime, data, source: "controlStream" as const };
    for (const sub of subs) {
      sub.deliver(message);
    }
  }

  /** Binds `sub` to `channel`; true when the channel was not subscribed before. */
  #bind(channel: ViewerChannel, sub: Subscription): boolean {
    sub.bind(channel);
    const subs = this.#bound.get(channel.id);
    if (subs !== undefined) {
      subs.add(sub);
      return false;
    }
    this.#bound.set(channel.id, new Set([sub]));
    return true;
  }

  #subscribeAtDevice(channels: readonly ViewerChannel[]): void {
    if (channels.length === 0) {
      return;
    }
    this.#effects.send({
      op: "subscribe",
      channels: channels.map((c) => ({ id: c.id, requestVideoTrack: false })),
    });
    for (const channel of channels) {
      if (!channel.reliable) {
        this.#openDataTrack(channel.id);
      }
    }
  }

  #unsubscribed(sub: Subscription): void {
    if (!this.#subs.delete(sub)) {
      return;
    }
    const released: number[] = [];
    for (const [id, subs] of this.#bound) {
      if (subs.delete(sub) && subs.size === 0) {
        this.#bound.delete(id);
        this.#closeDataTrack(id);
        released.push(id);
      }
    }
    if (released.length > 0 && !this.#closed) {
      this.#effects.send({ op: "unsubscribe", channelIds: released.sort((a, b) => a - b) });
    }
  }

  /** Unbinds every subscription from every channel and stops all data tracks (no messages sent). */
  #releaseAll(): void {
    for (const [id, subs] of this.#bound) {
      for (const sub of subs) {
        sub.unbind(id);
      }
      this.#closeDataTrack(id);
    }
    this.#bound.clear();
  }

  #openDataTrack(id: number): void {
    if (!this.#dataTracks.has(id)) {
      this.#dataTracks.add(id);
      this.#effects.openDataTrack(id);
    }
  }

  #closeDataTrack(id: number): void {
    if (this.#dataTracks.delete(id)) {
      this.#effects.closeDataTrack(id);
    }
  }
}
