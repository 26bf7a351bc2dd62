import { FoxgloveError } from "../core/FoxgloveError.js";
import { setTimeout as delay } from "node:timers/promises";
import { log } from "../core/logger.js";
import type {
  IncomingByteStream,
  LiveKitRoom,
  RemoteDataTrack,
  RemoteParticipantInfo,
} from "../livekit/index.js";
import {
  CONTROL_TOPIC,
  dataTrackName,
  isCompatibleProtocolVersion,
  parseDataTrackName,
  PROTOCOL_VERSION_ATTRIBUTE,
  type AdvertisedService,
  type Parameter,
  type ServerInfo,
  type Status,
} from "../protocol/index.js";
import { ControlSender } from "./ControlSender.js";
import { DataTrackReceiver } from "./DataTrackReceiver.js";
import type { Emitter } from "./Emitter.js";
import { readDeviceStream } from "./readDeviceStream.js";
import type { SubscribeOptions, Subscription, SubscriptionTarget } from "./Subscription.js";
import type { ViewerChannel } from "./ViewerChannel.js";
import { ViewerCore } from "./ViewerCore.js";
import { VideoFeeds } from "./VideoFeeds.js";
import type { VideoFrameSubscription, VideoSubscribeOptions } from "./VideoFrameSubscription.js";
import type { ViewerCloseReason, ViewerEvents } from "./ViewerEvents.js";
import type { AdvertiseOptions, ClientPublisher } from "./ClientPublisher.js";
import type { ConnectionGraph } from "./ConnectionGraphState.js";
import type { UpdateSubscription, UpdateSubscriptionOptions } from "./UpdateSubscription.js";
import type { RequestOptions } from "./PendingRequests.js";
import type { CallServiceOptions, ServiceResponse } from "./ServiceCalls.js";
import { waitForViewerState, type WaitOptions } from "./waitForViewerState.js";
import {
  DEVICE_LEFT_GRACE_MS,
  judgeDeviceLoss,
  reconnectDelay,
  StallClock,
  type ReconnectOptions,
} from "./reconnectPolicy.js";

/** @internal How a viewer joins its device's room again (new credentials, new room). */
export interface ViewerRejoin {
  readonly join: (signal: AbortSignal) => Promise<LiveKitRoom>;
  readonly options: ReconnectOptions;
}

/** @internal Settings of a {@link Viewer}, resolved by `connectViewer`. */
export interface ViewerInit {
  readonly room: LiveKitRoom;
  /** The device's identity; learned from its control stream when undefined. */
  readonly deviceIdentity: string | undefined;
  readonly events: Emitter<ViewerEvents>;
  /** Frames LiveKit buffers per data track before dropping (default 64). */
  readonly dataTrackBufferSize: number;
  /** Largest control frame accepted from the device, bytes. */
  readonly maxFramePayload: number;
  /** Aborting it closes the viewer. */
  readonly signal: AbortSignal | undefined;
  /** Join again when this viewer's connection is lost; undefined: close `disconnected`. */
  readonly rejoin?: ViewerRejoin | undefined;
}

/** Options of {@link Viewer.ping}. */
export interface PingOptions {
  /** How long to wait for the Pong, ms (default 5000); then rejects with `ERR_TIMEOUT`. */
  timeoutMs?: number;
}

/** Options of {@link Viewer.waitForChannel} and {@link Viewer.waitForService}. */
export type WaitForChannelOptions = WaitOptions;

/**
 * A viewer connected to a device over LiveKit (created by `connectViewer`). It reads the device's
 * control stream, keeps the current server info, channels, services and statuses (snapshots
 * below, changes as events via {@link on}), and delivers subscribed channels' messages from data
 * tracks (Lossy) and the control stream (Reliable). Close it with {@link close} or `await using`.
 */
export class Viewer implements AsyncDisposable {
  /** Resolves with the reason once the viewer has closed. */
  readonly closed: Promise<ViewerCloseReason>;
  #room: LiveKitRoom;
  #roomRegistrations: Disposable[] = [];
  readonly #stall = new StallClock();
  /** Our connection is reconnecting (LiveKit) or being replaced (rejoin). */
  #connectionTrouble = false;
  #deviceLeftTimer: NodeJS.Timeout | undefined;
  #rejoining = false;
  readonly #stopRejoin = new AbortController();
  readonly #events: Emitter<ViewerEvents>;
  readonly #core: ViewerCore;
  readonly #video: VideoFeeds;
  readonly #sender: ControlSender;
  readonly #wantedTracks = new Set<number>();
  readonly #receivers = new Map<number, DataTrackReceiver>();
  readonly #registrations: Disposable[] = [];
  readonly #init: ViewerInit;
  readonly #ready: Promise<void>;
  #deviceIdentity: string | undefined;
  #deviceStream: IncomingByteStream | undefined;
  #resolveReady!: () => void;
  #rejectReady!: (error: unknown) => void;
  #resolveClosed!: (reason: ViewerCloseReason) => void;
  #closeReason: ViewerCloseReason | undefined;
  #closeError: FoxgloveError | undefined;
  #closing: Promise<void> | undefined;

  /** @internal Use `connectViewer`. */
  constructor(init: ViewerInit) {
    this.#init = init;
    this.#room = init.room;
    this.#events = init.events;
    this.#deviceIdentity = init.deviceIdentity;
    this.closed = new Promise((resolve) => (this.#resolveClosed = resolve));
    this.#ready = new Promise((resolve, reject) => {
      this.#resolveReady = resolve;
      this.#rejectReady = reject;
    });
    this.#ready.catch(() => undefined);
    this.#video = new VideoFeeds({
      room: () => this.#room,
      deviceIdentity: () => this.#deviceIdentity,
      send: (message) => this.#sender.send(message),
    });
    this.#core = new ViewerCore({
      events: this.#events,
      videoChannels: this.#video,
      effects: {
        send: (message) => this.#sender.send(message),
        openDataTrack: (id) => this.#openDataTrack(id),
        closeDataTrack: (id) => this.#closeDataTrack(id),
        backlogBytes: () => this.#sender.bufferedBytes,
      },
    });
    this.#sender = new ControlSender({
      open: () =>
        this.#room.openByteStream({
          topic: CONTROL_TOPIC,
          destinationIdentities: [this.#deviceIdentity ?? ""],
        }),
      onError: (error) => this.#events.emit("error", error),
      resume: () => {
        const channels = [
          ...this.#core.subscribedChannelIds.map((id) => ({ id, requestVideoTrack: false })),
          ...this.#video.channelIds.map((id) => ({ id, requestVideoTrack: true })),
        ];
        return channels.length === 0 ? [] : [{ op: "subscribe", channels }];
      },
    });
    this.#attachRoom(init.room);
    this.#registrations.push(
      disposable(
        this.#events.on("channels", (_, change) => {
          this.#video.channelsGone(change.removed.map((c) => c.id));
          this.#video.channelsAdvertised([...change.added, ...change.replaced]);
        }),
      ),
      disposable(this.#events.on("reset", () => this.#video.reset())),
    );
    const signal = init.signal;
    if (signal !== undefined) {
      const onAbort = () => void this.close();
      signal.addEventListener("abort", onAbort, { once: true });
      void this.closed.then(() => signal.removeEventListener("abort", onAbort));
    }
  }

  /** Our identity in the LiveKit room (it may change when the viewer reconnects). */
  get identity(): string {
    return this.#room.localIdentity;
  }

  /** The device's participant identity (undefined until its control stream arrived, if not given). */
  get deviceIdentity(): string | undefined {
    return this.#deviceIdentity;
  }

  /** The device's `serverInfo` (undefined briefly after a reset). */
  get serverInfo(): ServerInfo | undefined {
    return this.#core.serverInfo;
  }

  /** Channels the device advertises now, in id order. */
  get channels(): ViewerChannel[] {
    return this.#core.channels;
  }

  /** Services the device advertises now, in id order. */
  get services(): AdvertisedService[] {
    return this.#core.services;
  }

  /** Statuses with an id the device has not withdrawn. */
  get statuses(): Status[] {
    return this.#core.statuses;
  }

  /** Active subscriptions. */
  get subscriptions(): Subscription[] {
    return this.#core.subscriptions;
  }

  /** True once the viewer has closed. */
  get isClosed(): boolean {
    return this.#closeReason !== undefined;
  }

  /** Why the viewer closed, once it has. */
  get closeReason(): ViewerCloseReason | undefined {
    return this.#closeReason;
  }

  /** The error that closed the viewer (undefined for a plain close). */
  get closeError(): FoxgloveError | undefined {
    return this.#closeError;
  }

  /** The channel with `id`, if advertised. */
  channel(id: number): ViewerChannel | undefined {
    return this.#core.channel(id);
  }

  /** Channels advertised on `topic` (usually one), in id order. */
  channelsByTopic(topic: string): ViewerChannel[] {
    return this.#core.channelsByTopic(topic);
  }

  /** Calls `listener` on every `event` (see {@link ViewerEvents}); returns a remover. */
  on<K extends keyof ViewerEvents>(
    event: K,
    listener: (...args: ViewerEvents[K]) => void,
  ): () => void {
    return this.#events.on(event, listener);
  }

  /** Removes a listener added with {@link on}. */
  off<K extends keyof ViewerEvents>(event: K, listener: (...args: ViewerEvents[K]) => void): void {
    this.#events.off(event, listener);
  }

  /**
   * Subscribes to a topic (string), a channel id (number) or a channel (see {@link Subscription}
   * for what each follows, and {@link SubscribeOptions} for buffering and the callback form).
   * A topic need not be advertised yet. Throws FoxgloveError `ERR_VALUE` for a channel that is not
   * advertised, `ERR_CHANNEL_CLOSED` after close.
   *
   * With `{ video: true }` it receives the channel's video track instead (the channel must be
   * advertised now, with `foxglove.hasVideoTrack`): decoded frames as I420 or, with
   * `format: "rgba"`, RGBA (see {@link VideoFrameSubscription}). A channel is received either as
   * data or as video by one viewer: the other kind throws `ERR_VALUE` until unsubscribed.
   */
  subscribe(
    target: string | number | ViewerChannel,
    options: VideoSubscribeOptions,
  ): VideoFrameSubscription;
  subscribe(target: string | number | ViewerChannel, options?: SubscribeOptions): Subscription;
  subscribe(
    target: string | number | ViewerChannel,
    options?: SubscribeOptions | VideoSubscribeOptions,
  ): Subscription | VideoFrameSubscription {
    if (options !== undefined && "video" in options && options.video) {
      return this.#subscribeVideo(target, options);
    }
    return this.#core.subscribe(toTarget(target), options);
  }

  /**
   * Waits until a channel on `topic` is advertised and returns it (at once when it already is).
   * Rejects with FoxgloveError `ERR_TIMEOUT`, `ERR_ABORTED`, or `ERR_CHANNEL_CLOSED`.
   */
  async waitForChannel(topic: string, options: WaitForChannelOptions = {}): Promise<ViewerChannel> {
    return await waitForViewerState(
      this.#events,
      "channels",
      () => this.#core.channelsByTopic(topic)[0],
      () => this.isClosed,
      options,
      (ms) => `no channel on topic ${topic} within ${ms} ms`,
    );
  }

  /**
   * Measures the round-trip time to the device (Ping → Pong, spec 4.3.4), in milliseconds; the
   * device gets its own sample from our PingAck. Rejects with FoxgloveError `ERR_TIMEOUT` or
   * `ERR_CHANNEL_CLOSED`.
   */
  async ping(options: PingOptions = {}): Promise<number> {
    return await this.#core.startPing(options.timeoutMs ?? 5_000);
  }

  // ---- acting on the device (docs/viewer.md "Acting on the device") -----------------------

  /**
   * Waits until a service named `name` is advertised and returns it (at once when it already is).
   * Rejects with FoxgloveError `ERR_TIMEOUT`, `ERR_ABORTED`, or `ERR_CHANNEL_CLOSED`.
   */
  async waitForService(name: string, options: WaitOptions = {}): Promise<AdvertisedService> {
    return await waitForViewerState(
      this.#events,
      "services",
      () => this.#core.services.find((s) => s.name === name),
      () => this.isClosed,
      options,
      (ms) => `no service ${name} within ${ms} ms`,
    );
  }

  /**
   * Advertises a client channel and returns its publisher (spec 3.3.3, 4.3.1); needs the device's
   * `clientPublish` capability and an encoding among its `supportedEncodings`. Throws
   * {@link CapabilityError}, FoxgloveError `ERR_UNSUPPORTED_ENCODING`, `ERR_VALUE`, `ERR_ENCODE`,
   * `ERR_CHANNEL_CLOSED`.
   */
  advertise(options: AdvertiseOptions): ClientPublisher {
    return this.#core.actions.advertise(options);
  }

  /** Client channels this viewer advertises, in id order. */
  get publishers(): ClientPublisher[] {
    return this.#core.actions.publishers;
  }

  /**
   * Calls a service (by name, id or description) with a request given as bytes or a string
   * (UTF-8). Needs `services`. Rejects with {@link CapabilityError} or {@link ServiceCallError},
   * whose `reason` says why (device failure text, unknown service, encoding, timeout after
   * `timeoutMs` (default 30 s), abort, disconnect).
   */
  async callService(
    service: string | number | AdvertisedService,
    request: Uint8Array | string,
    options?: CallServiceOptions,
  ): Promise<ServiceResponse> {
    return await this.#core.actions.callService(service, request, options);
  }

  /**
   * Reads parameters (all of them for an empty list; the device decides). Needs `parameters`.
   * Rejects with {@link CapabilityError}, FoxgloveError `ERR_TIMEOUT` (default 10 s; a device
   * without a parameter handler never answers), `ERR_ABORTED`, `ERR_TOO_MANY_REQUESTS`,
   * `ERR_CHANNEL_CLOSED`.
   */
  async getParameters(names: readonly string[], options?: RequestOptions): Promise<Parameter[]> {
    return await this.#core.actions.getParameters(names, options);
  }

  /**
   * Sets parameters (one without `value` is unset) and resolves with the values the device
   * applied. Needs `parameters`; rejects like {@link getParameters}.
   */
  async setParameters(
    parameters: readonly Parameter[],
    options?: RequestOptions,
  ): Promise<Parameter[]> {
    return await this.#core.actions.setParameters(parameters, options);
  }

  /**
   * Watches parameters: each update is the batch of changed values among `names`. Needs
   * `parametersSubscribe`. Throws {@link CapabilityError}, FoxgloveError `ERR_VALUE`,
   * `ERR_CHANNEL_CLOSED`.
   */
  subscribeParameterUpdates(
    names: readonly string[],
    options?: UpdateSubscriptionOptions<Parameter[]>,
  ): UpdateSubscription<Parameter[]> {
    return this.#core.actions.subscribeParameterUpdates(names, options);
  }

  /**
   * Follows the device's connection graph: each update is the whole graph, kept up to date from
   * the device's diffs. Needs `connectionGraph`. Throws {@link CapabilityError},
   * `ERR_CHANNEL_CLOSED`.
   */
  subscribeConnectionGraph(
    options?: UpdateSubscriptionOptions<ConnectionGraph>,
  ): UpdateSubscription<ConnectionGraph> {
    return this.#core.actions.subscribeConnectionGraph(options);
  }

  /** The connection graph while a graph subscription is active and the device sent it. */
  get connectionGraph(): ConnectionGraph | undefined {
    return this.#core.actions.connectionGraph;
  }

  /**
   * Fetches an asset (e.g. `package://robot/meshes/base.stl`) and resolves with its bytes. Needs
   * `assets`. Rejects with {@link CapabilityError}, FoxgloveError `ERR_ASSET` (the device's
   * error, e.g. not found), `ERR_TOO_MANY_REQUESTS`, `ERR_TIMEOUT` (default 30 s), `ERR_ABORTED`,
   * `ERR_CHANNEL_CLOSED`.
   */
  async fetchAsset(uri: string, options?: RequestOptions): Promise<Uint8Array> {
    return await this.#core.actions.fetchAsset(uri, options);
  }

  /** Leaves the room; every subscription ends. Idempotent; never rejects. */
  async close(): Promise<void> {
    this.#close("closed", undefined);
    await this.#closing;
  }

  /** Same as {@link close}. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** @internal Resolves when the device's first `serverInfo` arrived; rejects if closed first. */
  get ready(): Promise<void> {
    return this.#ready;
  }

  // -------------------------------------------------------------------------------------------

  #subscribeVideo(
    target: string | number | ViewerChannel,
    options: VideoSubscribeOptions,
  ): VideoFrameSubscription {
    if (this.isClosed) {
      throw new FoxgloveError("ERR_CHANNEL_CLOSED", "the viewer is closed");
    }
    const t = toTarget(target);
    const channel =
      t.kind === "topic" ? this.#core.channelsByTopic(t.topic)[0] : this.#core.channel(t.id);
    if (channel === undefined) {
      throw new FoxgloveError(
        "ERR_VALUE",
        `${t.kind === "topic" ? `topic ${t.topic}` : `channel ${t.id}`} is not advertised`,
      );
    }
    if (!channel.hasVideoTrack) {
      throw new FoxgloveError(
        "ERR_VALUE",
        `channel ${channel.id} (${channel.topic}) is not offered as video`,
      );
    }
    if (this.#core.subscribedChannelIds.includes(channel.id)) {
      throw new FoxgloveError(
        "ERR_VALUE",
        `channel ${channel.id} (${channel.topic}) is subscribed for data by this viewer; unsubscribe that first`,
      );
    }
    return this.#video.subscribe(channel, options);
  }

  /** Rejects a device whose `protocolVersion` this viewer cannot speak (spec 2.1, viewer side). */
  #checkDevice(p: RemoteParticipantInfo): void {
    if (this.#deviceIdentity === undefined || p.identity !== this.#deviceIdentity) {
      return;
    }
    const version = p.attributes[PROTOCOL_VERSION_ATTRIBUTE];
    if (!isCompatibleProtocolVersion(version)) {
      this.#close(
        "rejected",
        new FoxgloveError(
          "ERR_PROTOCOL",
          `the device speaks remote access protocol ${version ?? "?"}, which this viewer does not support (needs 2.x >= 2.2.0)`,
        ),
      );
    }
  }

  /** Listens to `room` and makes it this viewer's room. */
  #attachRoom(room: LiveKitRoom): void {
    this.#room = room;
    this.#connectionTrouble = false;
    this.#roomRegistrations = [
      room.onByteStream(CONTROL_TOPIC, (stream) => this.#onControlStream(stream)),
      room.addListener({
        onParticipantConnected: (p) => this.#checkDevice(p),
        onParticipantActive: (p) => this.#checkDevice(p),
        onParticipantDisconnected: (p) => this.#onParticipantLeft(p),
        onDataTrackPublished: (track) => this.#onDataTrackPublished(track),
        onReconnecting: () => void (this.#connectionTrouble = true),
        onReconnected: () => void (this.#connectionTrouble = false),
        onDisconnected: (reason) =>
          this.#connectionLost(
            new FoxgloveError("ERR_CHANNEL_CLOSED", `the LiveKit connection ended (${reason})`),
          ),
      }),
    ];
    if (this.#deviceIdentity !== undefined) {
      const device = room.getParticipant(this.#deviceIdentity);
      if (device !== undefined) {
        this.#checkDevice(device);
      }
    }
  }

  /**
   * The device's participant went away. That is not always the device leaving: when LiveKit cut
   * this viewer off (e.g. its process was stopped), the room's participants go with our
   * connection. So the verdict waits {@link DEVICE_LEFT_GRACE_MS} for news of our own connection.
   */
  #onParticipantLeft(p: RemoteParticipantInfo): void {
    if (
      p.identity !== this.#deviceIdentity ||
      this.#room.getParticipant(p.identity) !== undefined
    ) {
      return; // someone else, or replaced by a newer connection of the device
    }
    const stalledMs = this.#stall.stalledMs();
    const judge = () => judgeDeviceLoss({ connectionTrouble: this.#connectionTrouble, stalledMs });
    if (judge() === "disconnected") {
      this.#connectionLost(
        new FoxgloveError("ERR_CHANNEL_CLOSED", "this viewer was cut off from the room"),
      );
      return;
    }
    clearTimeout(this.#deviceLeftTimer);
    const room = this.#room;
    this.#deviceLeftTimer = setTimeout(() => {
      if (this.#room !== room || this.#room.getParticipant(p.identity) !== undefined) {
        return; // we rejoined meanwhile, or the device came back
      }
      if (judge() === "disconnected") {
        this.#connectionLost(
          new FoxgloveError("ERR_CHANNEL_CLOSED", "this viewer was cut off from the room"),
        );
      } else {
        this.#close(
          "deviceLeft",
          new FoxgloveError("ERR_CHANNEL_CLOSED", "the device left the room"),
        );
      }
    }, DEVICE_LEFT_GRACE_MS);
  }

  /** This viewer lost its connection: rejoin when asked to, else close `disconnected`. */
  #connectionLost(error: FoxgloveError): void {
    if (this.#closing !== undefined || this.#rejoining) {
      return;
    }
    if (this.#init.rejoin === undefined) {
      this.#close("disconnected", error);
      return;
    }
    void this.#rejoin(this.#init.rejoin, error);
  }

  /** Leaves the lost room and joins again with backoff; channels are learned afresh (a reset). */
  async #rejoin(rejoin: ViewerRejoin, error: FoxgloveError): Promise<void> {
    this.#rejoining = true;
    this.#connectionTrouble = true;
    clearTimeout(this.#deviceLeftTimer);
    this.#detachRoom();
    this.#events.emit("disconnected", error);
    const signal = this.#stopRejoin.signal;
    for (let attempt = 1; ; attempt++) {
      const wait = reconnectDelay(attempt, rejoin.options);
      if (wait === undefined) {
        this.#close("disconnected", error);
        return;
      }
      try {
        await delay(wait, undefined, { signal });
        const room = await rejoin.join(signal);
        if (this.#closing !== undefined) {
          await room.close();
          return;
        }
        this.#rejoining = false;
        this.#attachRoom(room);
        this.#events.emit("reconnected");
        return;
      } catch (cause) {
        if (signal.aborted) {
          return;
        }
        log.debug(`viewer: reconnect attempt ${attempt} failed`, cause);
      }
    }
  }

  /** Stops listening to the current room and closes it; forgets what the device told us. */
  #detachRoom(): void {
    for (const r of this.#roomRegistrations.splice(0)) {
      try {
        r[Symbol.dispose]();
      } catch (e) {
        log.debug("releasing a room registration failed:", e);
      }
    }
    for (const receiver of this.#receivers.values()) {
      receiver.close();
    }
    this.#receivers.clear();
    const stream = this.#deviceStream;
    this.#deviceStream = undefined;
    void stream?.cancel().catch(() => undefined);
    this.#sender.setReady(false);
    this.#core.reset();
    void this.#room.close();
  }

  #onControlStream(stream: IncomingByteStream): void {
    if (this.isClosed) {
      void stream.cancel().catch(() => undefined);
      return;
    }
    if (this.#deviceIdentity === undefined) {
      this.#deviceIdentity = stream.identity;
      const device = this.#room.getParticipant(stream.identity);
      if (device !== undefined) {
        this.#checkDevice(device);
      }
      this.#attachExistingTracks();
    } else if (stream.identity !== this.#deviceIdentity) {
      log.debug(`ignoring a control stream from ${stream.identity} (not the device)`);
      void stream.cancel().catch(() => undefined);
      return;
    }
    const previous = this.#deviceStream;
    this.#deviceStream = stream;
    if (previous !== undefined) {
      // A new device stream is a full reset (spec 1.9 step 7).
      void previous.cancel().catch(() => undefined);
      this.#sender.setReady(false);
      this.#core.reset();
    }
    void this.#readStream(stream);
  }

  async #readStream(stream: IncomingByteStream): Promise<void> {
    const current = () => this.#deviceStream === stream && !this.isClosed;
    const end = await readDeviceStream(
      stream,
      {
        onMessage: (message) => {
          if (!current()) {
            return false;
          }
          this.#core.handleMessage(message);
          if (message.op === "serverInfo") {
            this.#sender.setReady(true);
            this.#resolveReady();
          }
          return current();
        },
        onBadMessage: (error) => {
          if (current()) {
            this.#events.emit("error", error);
          }
        },
      },
      { maxFramePayload: this.#init.maxFramePayload },
    );
    if (!current()) {
      return;
    }
    if (!end.sawServerInfo && end.rejection !== undefined) {
      this.#close(
        "rejected",
        new FoxgloveError("ERR_PROTOCOL", `the device rejected this viewer: ${end.rejection}`),
      );
      return;
    }
    if (end.error !== undefined) {
      // Corrupt or failed stream: drop it and wait for the device to open a new one.
      void stream.cancel().catch(() => undefined);
      this.#events.emit(
        "error",
        new FoxgloveError(end.error.code, `device control stream dropped: ${end.error.message}`, {
          cause: end.error,
        }),
      );
    }
  }

  #attachExistingTracks(): void {
    for (const id of this.#wantedTracks) {
      this.#startReceiver(id);
    }
  }

  #openDataTrack(id: number): void {
    this.#wantedTracks.add(id);
    this.#startReceiver(id);
  }

  #closeDataTrack(id: number): void {
    this.#wantedTracks.delete(id);
    const receiver = this.#receivers.get(id);
    this.#receivers.delete(id);
    receiver?.close();
  }

  #onDataTrackPublished(track: RemoteDataTrack): void {
    const id = parseDataTrackName(track.name);
    if (id === undefined || track.publisherIdentity !== this.#deviceIdentity) {
      return;
    }
    if (this.#wantedTracks.has(id)) {
      // A republished track replaces the old one (its sequence restarts).
      this.#receivers.get(id)?.close();
      this.#receivers.delete(id);
      this.#startReceiver(id, track);
    }
  }

  #startReceiver(id: number, given?: RemoteDataTrack): void {
    if (this.#receivers.has(id) || this.#deviceIdentity === undefined || this.isClosed) {
      return;
    }
    const name = dataTrackName(id);
    const track =
      given ??
      this.#room
        .remoteDataTracks()
        .find((t) => t.name === name && t.publisherIdentity === this.#deviceIdentity);
    if (track === undefined || !track.published) {
      return; // started by onDataTrackPublished when the device publishes it
    }
    let frames;
    try {
      frames = track.subscribe({ bufferSize: this.#init.dataTrackBufferSize });
    } catch (error) {
      this.#events.emit(
        "error",
        error instanceof FoxgloveError
          ? error
          : new FoxgloveError("ERR_LIVEKIT", String(error), { cause: error }),
      );
      return;
    }
    const receiver: DataTrackReceiver = new DataTrackReceiver(id, frames, {
      onMessage: (data, logTime, sequence, lost) =>
        this.#core.handleDataTrackMessage(id, data, logTime, sequence, lost),
      onError: (error) => this.#events.emit("error", error),
      onEnd: () => {
        if (this.#receivers.get(id) === receiver) {
          this.#receivers.delete(id);
        }
      },
    });
    this.#receivers.set(id, receiver);
  }

  #close(reason: ViewerCloseReason, error: FoxgloveError | undefined): void {
    if (this.#closing !== undefined) {
      return;
    }
    this.#closeReason = reason;
    this.#closeError = error;
    this.#closing = this.#shutDown(reason, error);
  }

  async #shutDown(reason: ViewerCloseReason, error: FoxgloveError | undefined): Promise<void> {
    this.#rejectReady(error ?? new FoxgloveError("ERR_CHANNEL_CLOSED", "the viewer closed"));
    this.#stopRejoin.abort();
    clearTimeout(this.#deviceLeftTimer);
    this.#stall[Symbol.dispose]();
    this.#core.close(error);
    this.#video.endAll(error);
    for (const receiver of this.#receivers.values()) {
      receiver.close();
    }
    this.#receivers.clear();
    this.#wantedTracks.clear();
    for (const r of [...this.#registrations.splice(0), ...this.#roomRegistrations.splice(0)]) {
      try {
        r[Symbol.dispose]();
      } catch (e) {
        log.debug("releasing a room registration failed:", e);
      }
    }
    void this.#deviceStream?.cancel().catch(() => undefined);
    await this.#sender.close().catch(() => undefined);
    await this.#room.close();
    this.#events.emit("close", reason, error);
    this.#resolveClosed(reason);
  }
}

function toTarget(target: string | number | ViewerChannel): SubscriptionTarget {
  if (typeof target === "string") {
    return { kind: "topic", topic: target };
  }
  if (typeof target === "number") {
    if (!Number.isSafeInteger(target) || target < 0) {
      throw new FoxgloveError("ERR_VALUE", `not a channel id: ${target}`);
    }
    return { kind: "channel", id: target };
  }
  return { kind: "channel", id: target.id };
}

function disposable(remove: () => void): Disposable {
  return { [Symbol.dispose]: remove };
}
