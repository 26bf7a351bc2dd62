import { FoxgloveError } from "../core/FoxgloveError.js";
import { nextSinkId } from "../core/ids.js";
import { log } from "../core/logger.js";
import type { ChannelDescriptor } from "../core/ChannelDescriptor.js";
import type { Encoder } from "../core/Encoder.js";
import type { RawChannel } from "../core/RawChannel.js";
import type { Metadata, Sink, SinkChannelFilter } from "../core/Sink.js";
import {
  channelDropsStatusId,
  type Capability,
  type ClientMessage,
  type Parameter,
  type ServerInfo,
  type ServerMessage,
  type SubscribeChannel,
} from "../protocol/index.js";
import { fetchAsset } from "./Assets.js";
import {
  refusal,
  REMOTE_ACCESS_GATES,
  type CapabilityTable,
  type Gate,
} from "./capabilityGates.js";
import { ChannelRegistry } from "./ChannelRegistry.js";
import type { VideoMetadata } from "./channelMetadata.js";
import { ClientPublish } from "./ClientPublish.js";
import { ConnectionGraphState, type ConnectionGraph } from "./ConnectionGraph.js";
import { CHANNEL_WARNING_SWEEP_MS, DropWarnings } from "./DropWarnings.js";
import { Parameters } from "./Parameters.js";
import { PointCloudPublishers } from "./PointCloudPublishers.js";
import { planChannels } from "./planChannels.js";
import { RttTracker } from "./RttTracker.js";
import { Semaphore } from "./Semaphore.js";
import { buildServerInfo } from "./serverInfo.js";
import { Services, type ServiceDefinition } from "./Services.js";
import type { ViewerConnection, ViewerKey } from "./ViewerConnection.js";
import {
  resolveViewerHubOptions,
  type ResolvedViewerHubOptions,
  type ViewerHubOptions,
} from "./ViewerHubOptions.js";
import {
  STATUS_LEVELS,
  type NotifyListener,
  type ViewerClient,
  type ViewerListener,
  type ViewerStatus,
} from "./ViewerListener.js";
import { NO_MEDIA, type DropReport, type ViewerMedia } from "./ViewerMedia.js";
import type { HubViewer } from "./ViewerRequest.js";

/** What a transport gives {@link ViewerHub.open}. */
export interface HubTransport {
  /** The server name announced in `serverInfo`. */
  readonly serverName: string;
  /** `serverInfo.sessionId` (the remote access session ID, or `""`). */
  readonly sessionId?: string | undefined;
  /** Lossy data and video delivery. Default: none (Lossy messages vanish). */
  readonly media?: ViewerMedia | undefined;
  /** The transport's gating table. Default {@link REMOTE_ACCESS_GATES}. */
  readonly gates?: CapabilityTable | undefined;
  /** Capabilities only this transport provides (v1 `time`, `playbackControl`). Default none. */
  readonly extraCapabilities?: readonly Capability[] | undefined;
  /**
   * True when the transport can publish video tracks: video-capable channels are then advertised
   * with `foxglove.hasVideoTrack`. Default false (they are plain data channels).
   */
  readonly videoTracks?: boolean | undefined;
  /**
   * True when the transport compresses point clouds for its viewers (remote access): Lossy
   * point-cloud channels are then handled per the hub's `pointCloudCompression`. Default false.
   */
  readonly pointClouds?: boolean | undefined;
  /** Monotonic clock in ms for warning expiry. Default `performance.now`. For tests. */
  readonly now?: (() => number) | undefined;
}

/** A connected viewer: the features' view plus the hub's own cancellation. */
interface Viewer extends HubViewer {
  readonly ended: AbortController;
}

/** The state of one open period (one transport attached). */
interface Attachment {
  readonly transport: HubTransport;
  readonly media: ViewerMedia;
  readonly gates: CapabilityTable;
  readonly capabilities: ReadonlySet<Capability>;
  readonly serverInfo: ServerInfo;
  readonly channels: ChannelRegistry;
  readonly dropWarnings: DropWarnings;
  readonly pointClouds: PointCloudPublishers;
  readonly sweeper: NodeJS.Timeout;
}

/**
 * The transport-neutral core of every server that serves Foxglove viewers (the remote access
 * session over LiveKit; the local WebSocket server): it is the Context sink (advertising channels,
 * routing logged messages to Reliable subscribers or the transport's Lossy {@link ViewerMedia}),
 * the set of connected viewers, and the handler of their messages, gated by a capability table:
 * subscriptions, client publish, parameters ({@link Parameters}), services ({@link Services}),
 * the connection graph ({@link ConnectionGraphState}), assets ({@link fetchAsset}), ping. Requests
 * answered by device handlers follow one pattern (`runViewerRequest`): per-viewer limit,
 * timeout, cancellation when the viewer leaves, a reply only while it is still connected. Each
 * viewer is a {@link ViewerConnection}: the hub sends typed messages and never sees bytes.
 *
 * Lifetime: the owner (the gateway) creates one hub for its whole life; state that outlives a
 * transport (configuration, services, stored parameters, the connection graph) lives here. A transport
 * calls {@link open} when it starts serving (the hub joins the Context), {@link connect} /
 * {@link disconnect} / {@link handleMessage} for its viewers, and {@link close} when it ends.
 * All methods are synchronous, so each runs as one critical section.
 *
 * Video publishers are driven through {@link ViewerMedia} (`startVideo`, `pushVideo`) and feed
 * back through {@link setVideoMetadata}. The 2.3.0 per-connection schema table lives in each
 * connection's `send` (it rewrites `advertise` per connection; the hub passes one inline message
 * to all). Point clouds: `planChannels` decides compression per channel, the registry advertises
 * compressed channels as `foxglove.CompressedPointCloud`, and {@link PointCloudPublishers}
 * encodes their messages off the `log()` path (transports that set `pointClouds`).
 */
export class ViewerHub implements Sink {
  /** The sink ID of this hub in the Context. */
  readonly id = nextSinkId();
  /** Viewers choose channels: the hub manages its subscriptions. */
  readonly autoSubscribe = false;
  /** Applied by the Context before channels are announced. */
  readonly channelFilter: SinkChannelFilter | undefined;
  /** Round-trip times measured with ping/pong. */
  readonly pingRtt = new RttTracker("ping/pong");

  readonly #options: ResolvedViewerHubOptions;
  readonly #listener: ViewerListener;
  readonly #viewers = new Map<ViewerKey, Viewer>();
  readonly #clientPublish: ClientPublish;
  readonly #services: Services;
  readonly #parameters: Parameters;
  readonly #graph = new ConnectionGraphState();
  /** Requests answered by device handlers that have not ended yet. */
  readonly #inFlight = new Set<Promise<void>>();
  #open: Attachment | undefined;

  /**
   * @throws FoxgloveError `ERR_CONFIGURATION` for invalid options (see
   * {@link resolveViewerHubOptions}).
   */
  constructor(options: ViewerHubOptions = {}) {
    this.#options = resolveViewerHubOptions(options);
    this.#listener = this.#options.listener;
    this.channelFilter = this.#options.channelFilter;
    this.#services = new Services({
      supportedEncodings: this.#options.supportedEncodings,
      callTimeoutMs: this.#options.requestTimeoutMs,
    });
    this.#services.add(this.#options.services, "replace");
    this.#parameters = new Parameters({
      handler: this.#options.parameterHandler,
      timeoutMs: this.#options.requestTimeoutMs,
      notify: this.#notify,
    });
    this.#clientPublish = new ClientPublish(this.#notify);
  }

  /** The resolved options. */
  get options(): ResolvedViewerHubOptions {
    return this.#options;
  }

  /** The capabilities announced while open (the configured ones when closed). */
  get capabilities(): ReadonlySet<Capability> {
    return this.#open?.capabilities ?? new Set(this.#options.capabilities);
  }

  /** True between {@link open} and {@link close}. */
  get isOpen(): boolean {
    return this.#open !== undefined;
  }

  /** Number of connected viewers. */
  get connectionCount(): number {
    return this.#viewers.size;
  }

  /** The advertised channels and their subscriptions (read-only use); empty while closed. */
  get channels(): ChannelRegistry {
    return this.#open?.channels ?? new ChannelRegistry();
  }

  // ---- transport lifetime ----

  /**
   * Starts serving through `transport`: joins the Context (whose channels are then advertised)
   * and starts the channel-warning sweeper. Throws FoxgloveError `ERR_SERVER_ALREADY_STARTED`
   * while another transport is attached.
   */
  open(transport: HubTransport): void {
    if (this.#open !== undefined) {
      throw new FoxgloveError("ERR_SERVER_ALREADY_STARTED", "the viewer hub is already open");
    }
    const capabilities = [...this.#options.capabilities];
    for (const c of transport.extraCapabilities ?? []) {
      if (!capabilities.includes(c)) capabilities.push(c);
    }
    const sweeper = setInterval(() => this.sweepWarnings(), CHANNEL_WARNING_SWEEP_MS);
    sweeper.unref();
    const channels = new ChannelRegistry();
    const media = transport.media ?? NO_MEDIA;
    this.#open = {
      transport,
      media,
      gates: transport.gates ?? REMOTE_ACCESS_GATES,
      capabilities: new Set(capabilities),
      serverInfo: buildServerInfo({
        name: transport.serverName,
        capabilities,
        supportedEncodings: this.#options.supportedEncodings,
        metadata: this.#options.serverInfoMetadata,
        sessionId: transport.sessionId ?? "",
      }),
      channels,
      dropWarnings: new DropWarnings(transport.now),
      pointClouds: new PointCloudPublishers({
        channels,
        pushLossy: (id, data, logTime, keys) => media.pushLossy(id, data, logTime, keys),
        reportDrops: (id, report) => {
          if (this.#open !== undefined) this.#reportDrops(this.#open, id, report);
        },
        send: (key, message) => this.#viewers.get(key)?.connection.send(message),
        now: transport.now ?? (() => performance.now()),
        encoders: this.#options.pointCloudEncoders,
      }),
      sweeper,
    };
    this.#options.context.addSink(this);
  }

  /**
   * Stops serving: leaves the Context and runs every viewer's cleanup (so the listener hears an
   * unsubscribe for every subscription and client channel). The transport closes its connections
   * itself. Idempotent.
   */
  close(): void {
    const open = this.#open;
    if (open === undefined) {
      return;
    }
    clearInterval(open.sweeper);
    open.pointClouds.stopAll();
    this.#options.context.removeSink(this.id);
    const viewers = [...this.#viewers.values()];
    this.#viewers.clear();
    for (const v of viewers) {
      this.#cleanup(v, false);
    }
    this.#open = undefined;
  }

  // ---- connections ----

  /**
   * Connects a viewer whose transport is ready: sends `serverInfo` and one `advertise` of every
   * channel before it becomes visible to broadcasts, then registers it. Returns false (nothing
   * sent) while the hub is closed or when the connection's key is already connected.
   */
  connect(connection: ViewerConnection): boolean {
    const open = this.#open;
    if (open === undefined || this.#viewers.has(connection.clientId)) {
      return false;
    }
    connection.send(open.serverInfo);
    const advertise = open.channels.advertise();
    if (advertise !== undefined) {
      connection.send(advertise);
    }
    const services = this.#services.advertise();
    if (services !== undefined) {
      connection.send(services);
    }
    const limit = this.#options.maxRequestsInFlight;
    const ended = new AbortController();
    this.#viewers.set(connection.clientId, {
      connection,
      ended,
      signal: AbortSignal.any([connection.signal, ended.signal]),
      client: this.#makeClient(connection),
      serviceCalls: new Semaphore(limit),
      assetFetches: new Semaphore(limit),
      parameterRequests: new Semaphore(limit),
    });
    return true;
  }

  /** Disconnects a viewer with full cleanup; false when it is not (or no longer) connected. */
  disconnect(connection: ViewerConnection): boolean {
    const viewer = this.#viewer(connection);
    if (viewer === undefined) {
      return false;
    }
    this.#viewers.delete(connection.clientId);
    this.#cleanup(viewer, true);
    return true;
  }

  /** True when `connection` is (still) connected. */
  isConnected(connection: ViewerConnection): boolean {
    return this.#viewer(connection) !== undefined;
  }

  /** The listener's handle on a connected viewer. */
  client(connection: ViewerConnection): ViewerClient | undefined {
    return this.#viewer(connection)?.client;
  }

  // ---- Sink ----

  /** Routes one logged message to data subscribers (Sink callback; hot path). */
  log(channel: RawChannel, data: Uint8Array, metadata: Metadata): void {
    const open = this.#open;
    const state = open?.channels.get(channel.id);
    if (open === undefined || state === undefined) {
      return;
    }
    const videoSubscribers = state.videoSubscribers;
    if (videoSubscribers.size > 0) {
      open.media.pushVideo(channel.id, data, metadata.logTime);
    }
    if (state.subscribers.size === videoSubscribers.size) {
      return; // no data subscriber
    }
    if (state.compression !== undefined) {
      open.pointClouds.push(channel.id, data, metadata.logTime); // encoded off this path
      return;
    }
    if (state.reliability === "lossy") {
      const report = open.media.pushLossy(channel.id, data, metadata.logTime, state.subscribers);
      if (report !== undefined) {
        this.#reportDrops(open, channel.id, report);
      }
      return;
    }
    const message: ServerMessage = {
      op: "messageData",
      channelId: channel.id,
      logTime: metadata.logTime,
      data,
    };
    for (const key of state.subscribers) {
      if (!videoSubscribers.has(key)) {
        this.#viewers.get(key)?.connection.send(message);
      }
    }
  }

  /**
   * Takes a message as logged, before it is encoded, when all the channel's subscribers are video
   * viewers and its video publisher takes it (Sink callback; hot path): a camera watched only as
   * video is converted without being encoded. False, having done nothing, otherwise: the bytes
   * then come through {@link log}.
   */
  logMessage(
    channel: RawChannel,
    message: unknown,
    encoder: Encoder<unknown>,
    metadata: Metadata,
  ): boolean {
    const open = this.#open;
    const state = open?.channels.get(channel.id);
    if (open === undefined || state === undefined || state.subscribers.size === 0) {
      return true; // log() would do nothing with it either
    }
    if (state.subscribers.size !== state.videoSubscribers.size) {
      return false; // data subscribers need the bytes
    }
    return open.media.pushVideoMessage?.(channel.id, message, encoder, metadata.logTime) ?? false;
  }

  /** Advertises new channels to every viewer and opens Lossy delivery for them (Sink callback). */
  addChannels(channels: readonly RawChannel[]): undefined {
    const open = this.#open;
    if (open === undefined) {
      return undefined;
    }
    const videoTracks = open.transport.videoTracks === true;
    const { accepted, skipped } = planChannels(channels, {
      qosClassifier: this.#options.qosClassifier,
      suppressVideoTranscode: videoTracks ? this.#options.suppressVideoTranscode : () => true,
      pointCloudCompression:
        open.transport.pointClouds === true ? this.#options.pointCloudCompression : undefined,
    });
    for (const s of skipped) {
      log.error(`not advertising channel ${s.channel.topic}: ${s.reason}`);
    }
    const added = accepted.filter((plan) => open.channels.insert(plan));
    const advertise = open.channels.advertise(added.map((p) => p.channel.id));
    if (advertise !== undefined) {
      this.#broadcast(advertise);
    }
    for (const plan of added) {
      if (plan.reliability === "lossy") {
        open.media.openLossy(plan.channel.id);
      }
    }
    return undefined;
  }

  /** Unadvertises a closed channel and tells its subscribers' listener (Sink callback). */
  removeChannel(channel: RawChannel): void {
    const open = this.#open;
    const removed = open?.channels.remove(channel.id);
    if (open === undefined || removed === undefined) {
      return;
    }
    open.media.stopVideo(channel.id);
    open.media.closeLossy(channel.id);
    this.#broadcast({ op: "unadvertise", channelIds: [channel.id] });
    open.dropWarnings.forget(channel.id);
    const statusIds = [channelDropsStatusId(channel.id)];
    const pointCloudWarning = open.pointClouds.stop(channel.id);
    if (pointCloudWarning !== undefined) statusIds.push(pointCloudWarning);
    this.#broadcast({ op: "removeStatus", statusIds });
    for (const key of removed.subscribers) {
      const client = this.#viewers.get(key)?.client;
      if (client !== undefined) {
        this.#notify("onUnsubscribe", (l) => l.onUnsubscribe?.(client, removed.channel));
      }
    }
  }

  /**
   * Video feedback (for the video transport): stores what the first transcoded frame revealed and
   * re-advertises the channel to every viewer. Does nothing for an unknown channel.
   */
  setVideoMetadata(channelId: number, metadata: VideoMetadata): void {
    const open = this.#open;
    if (open?.channels.setVideoMetadata(channelId, metadata) === true) {
      const advertise = open.channels.advertise([channelId]);
      if (advertise !== undefined) {
        this.#broadcast(advertise);
      }
    }
  }

  // ---- viewer messages ----

  /**
   * Handles one parsed message from a viewer: capability gate, then the handler. Messages from a
   * connection that is not connected are ignored. Never throws (handler errors are logged).
   */
  handleMessage(connection: ViewerConnection, message: ClientMessage): void {
    const open = this.#open;
    const viewer = this.#viewer(connection);
    if (open === undefined || viewer === undefined) {
      log.debug(`ignoring ${message.op} from a viewer that is not connected`);
      return;
    }
    const refused = refusal(message.op, open.capabilities, open.gates);
    if (refused !== undefined) {
      this.#refuse(viewer, message, refused);
      return;
    }
    try {
      this.#dispatch(open, viewer, message);
    } catch (error) {
      log.error(`failed to handle ${message.op} from viewer ${connection.name}`, error);
    }
  }

  // ---- device-facing ----

  /** Sends a status to every connected viewer (not stored, not replayed). */
  publishStatus(status: ViewerStatus): void {
    this.#broadcast(toStatusMessage(status));
  }

  /** Retracts statuses by ID on every connected viewer. */
  removeStatus(ids: readonly string[]): void {
    if (ids.length > 0) {
      this.#broadcast({ op: "removeStatus", statusIds: [...ids] });
    }
  }

  /**
   * Offers more services: advertised to the connected viewers now and to later ones on connect.
   *
   * @throws FoxgloveError `ERR_SERVICES_NOT_SUPPORTED` without the `services` capability;
   * `ERR_DUPLICATE_SERVICE`, `ERR_MISSING_REQUEST_ENCODING`, `ERR_VALUE` (see `Services.add`).
   */
  addServices(services: readonly ServiceDefinition[]): void {
    if (!this.#options.capabilities.includes("services")) {
      throw new FoxgloveError(
        "ERR_SERVICES_NOT_SUPPORTED",
        "adding services requires the services capability",
      );
    }
    const advertise = this.#services.add(services, "throw");
    if (advertise !== undefined) {
      this.#broadcast(advertise);
    }
  }

  /** Withdraws services by name (unknown names are ignored); calls in flight still complete. */
  removeServices(names: readonly string[]): void {
    const unadvertise = this.#services.remove(names);
    if (unadvertise !== undefined) {
      this.#broadcast(unadvertise);
    }
  }

  /**
   * Sends parameter values to the viewers subscribed to them (each gets its subset; unset values
   * are left out). Without a parameter handler the values are also stored (see `Parameters`).
   * Needs the `parameters` capability (otherwise an error is logged and nothing happens).
   */
  publishParameterValues(parameters: readonly Parameter[]): void {
    if (!this.#options.capabilities.includes("parameters")) {
      log.error("publishParameterValues needs the parameters capability; ignored");
      return;
    }
    this.#parameters.store(parameters);
    this.#publishParameters(parameters);
  }

  /**
   * Replaces the connection graph. Subscribed viewers get the difference; viewers who subscribe
   * later get the whole graph. Works whether or not a transport is open.
   *
   * @throws FoxgloveError `ERR_CONNECTION_GRAPH_NOT_SUPPORTED` without the `connectionGraph`
   * capability.
   */
  publishConnectionGraph(graph: ConnectionGraph): void {
    if (!this.#options.capabilities.includes("connectionGraph")) {
      throw new FoxgloveError(
        "ERR_CONNECTION_GRAPH_NOT_SUPPORTED",
        "publishing the connection graph requires the connectionGraph capability",
      );
    }
    const update = this.#graph.replace(graph);
    if (update === undefined) {
      return;
    }
    for (const key of this.#graph.subscribers) {
      this.#viewers.get(key)?.connection.send(update);
    }
  }

  /** Resolves once every request answered by a device handler so far has ended (for tests). */
  async settled(): Promise<void> {
    while (this.#inFlight.size > 0) {
      await Promise.all([...this.#inFlight]);
    }
  }

  /** Resolves once no point cloud is waiting for or in compression (tests, benchmarks). */
  async pointCloudsIdle(): Promise<void> {
    await this.#open?.pointClouds.idle();
  }

  /** The periodic sweep (every 15 s while open): clears drop and point-cloud warnings idle for 60 s. */
  sweepWarnings(): void {
    if (this.#open !== undefined) {
      this.removeStatus([
        ...this.#open.dropWarnings.drainExpired(),
        ...this.#open.pointClouds.drainExpired(),
      ]);
    }
  }

  // ---- message handlers ----

  #dispatch(open: Attachment, v: Viewer, message: ClientMessage): void {
    switch (message.op) {
      case "subscribe":
        this.#subscribe(open, v, message.channels);
        return;
      case "unsubscribe":
        this.#unsubscribe(open, v, message.channelIds);
        return;
      case "advertise":
        this.#clientPublish.advertise(v, message.channels);
        return;
      case "unadvertise":
        this.#clientPublish.unadvertise(v, message.channelIds);
        return;
      case "messageData":
        this.#clientPublish.messageData(v, message);
        return;
      case "subscribeParameterUpdates":
        this.#parameters.subscribe(v, message.parameterNames);
        return;
      case "unsubscribeParameterUpdates":
        this.#parameters.unsubscribe(v, message.parameterNames);
        return;
      case "ping":
        v.connection.send({
          op: "pong",
          appTimestamp: message.appTimestamp,
          deviceTimestamp: BigInt(Date.now()),
        });
        return;
      case "pingAck": {
        const now = BigInt(Date.now());
        if (now >= message.deviceTimestamp) {
          this.pingRtt.record(Number(now - message.deviceTimestamp));
        }
        return;
      }
      case "getParameters":
        this.#track(this.#parameters.get(v, message, this.#stillConnected(v)));
        return;
      case "setParameters":
        this.#track(
          this.#parameters.set(v, message, this.#stillConnected(v), (values) =>
            this.#publishParameters(values),
          ),
        );
        return;
      case "serviceCallRequest":
        this.#track(this.#services.call(v, message, this.#stillConnected(v)));
        return;
      case "fetchAsset":
        this.#track(
          fetchAsset(
            v,
            message,
            this.#options.assetHandler,
            this.#options.requestTimeoutMs,
            this.#stillConnected(v),
          ),
        );
        return;
      case "subscribeConnectionGraph": {
        const initial = this.#graph.subscribe(v.connection.clientId);
        if (initial === undefined) {
          log.debug(`viewer ${v.connection.name} is already subscribed to the connection graph`);
          return;
        }
        v.connection.send(initial);
        // After the full graph: the callback may publish a new graph (it reaches this viewer as a
        // diff that follows the full graph).
        if (this.#graph.subscribers.size === 1) {
          this.#notify("onConnectionGraphSubscribe", (l) => l.onConnectionGraphSubscribe?.());
        }
        return;
      }
      case "unsubscribeConnectionGraph":
        this.#unsubscribeGraph(v);
        return;
      case "playbackControlRequest":
        log.debug(`Unhandled client message: ${message.op} (viewer ${v.connection.name})`);
        return;
    }
  }

  #subscribe(open: Attachment, v: Viewer, requests: SubscribeChannel[]): void {
    const changes = open.channels.subscribe(v.connection.clientId, requests);
    for (const id of changes.videoUnsupported) {
      this.#sendStatus(v, 2, `Channel ${id} does not support video transcoding`);
    }
    if (changes.unknown.length > 0) {
      log.debug(
        `viewer ${v.connection.name} subscribed to unknown channels ${changes.unknown.join(", ")}`,
      );
    }
    if (changes.firstSubscribed.length > 0) {
      this.#options.context.subscribeChannels(
        this.id,
        changes.firstSubscribed.map((c) => c.id),
      );
    }
    for (const id of changes.firstVideo) {
      const schema = open.channels.get(id)?.videoSchema;
      if (schema !== undefined) {
        open.media.startVideo(id, schema);
      }
    }
    for (const id of changes.lastVideo) {
      open.media.stopVideo(id);
    }
    for (const { channel } of changes.newlySubscribed) {
      this.#notify("onSubscribe", (l) => l.onSubscribe?.(v.client, channel));
    }
    for (const { channel, video } of changes.newlySubscribed) {
      const warnings = video
        ? []
        : [open.dropWarnings.active(channel.id), open.pointClouds.activeWarning(channel.id)];
      for (const warning of warnings) {
        if (warning !== undefined) {
          v.connection.send(warning);
        }
      }
    }
  }

  #unsubscribe(open: Attachment, v: Viewer, ids: number[]): void {
    const changes = open.channels.unsubscribe(v.connection.clientId, ids);
    if (changes.lastUnsubscribed.length > 0) {
      this.#options.context.unsubscribeChannels(
        this.id,
        changes.lastUnsubscribed.map((c) => c.id),
      );
    }
    for (const id of changes.lastVideo) {
      open.media.stopVideo(id);
    }
    if (changes.unsubscribed.length === 0) {
      return;
    }
    const gone = changes.unsubscribed.map((c) => c.id);
    const retract = [...open.dropWarnings.activeIds(gone), ...open.pointClouds.activeIds(gone)];
    this.#stopPointClouds(open, changes.lastUnsubscribed);
    if (retract.length > 0) {
      v.connection.send({ op: "removeStatus", statusIds: retract });
    }
    for (const channel of changes.unsubscribed) {
      this.#notify("onUnsubscribe", (l) => l.onUnsubscribe?.(v.client, channel));
    }
  }

  // ---- internals ----

  #viewer(connection: ViewerConnection): Viewer | undefined {
    const v = this.#viewers.get(connection.clientId);
    return v?.connection === connection ? v : undefined;
  }

  #makeClient(connection: ViewerConnection): ViewerClient {
    return {
      id: connection.clientId,
      identity: connection.name,
      sendStatus: (status) => {
        if (this.#viewer(connection) !== undefined) {
          connection.send(toStatusMessage(status));
        }
      },
    };
  }

  #cleanup(v: Viewer, unsubscribeContext: boolean): void {
    v.ended.abort(new FoxgloveError("ERR_ABORTED", "the viewer left"));
    const key = v.connection.clientId;
    const open = this.#open;
    const subs = open?.channels.removeSubscriber(key);
    if (open !== undefined && subs !== undefined) {
      if (unsubscribeContext && subs.lastUnsubscribed.length > 0) {
        this.#options.context.unsubscribeChannels(
          this.id,
          subs.lastUnsubscribed.map((c) => c.id),
        );
      }
      for (const id of subs.lastVideo) {
        open.media.stopVideo(id);
      }
      this.#stopPointClouds(open, subs.lastUnsubscribed);
    }
    this.#parameters.unsubscribe(v);
    for (const channel of subs?.unsubscribed ?? []) {
      this.#notify("onUnsubscribe", (l) => l.onUnsubscribe?.(v.client, channel));
    }
    this.#clientPublish.remove(v);
    this.#unsubscribeGraph(v);
  }

  #unsubscribeGraph(v: Viewer): void {
    if (!this.#graph.unsubscribe(v.connection.clientId)) {
      log.debug(`viewer ${v.connection.name} is not subscribed to the connection graph`);
      return;
    }
    if (this.#graph.subscribers.size === 0) {
      this.#notify("onConnectionGraphUnsubscribe", (l) => l.onConnectionGraphUnsubscribe?.());
    }
  }

  #publishParameters(parameters: readonly Parameter[]): void {
    for (const [key, v] of this.#viewers) {
      const push = this.#parameters.pushFor(key, parameters);
      if (push !== undefined) {
        v.connection.send(push);
      }
    }
  }

  /** "Still connected" for a reply after an await (the re-check of spec session 10.2). */
  #stillConnected(v: Viewer): () => boolean {
    return () => this.#viewer(v.connection) === v;
  }

  #track(request: Promise<void>): void {
    this.#inFlight.add(request);
    void request.then(() => this.#inFlight.delete(request));
  }

  /** Stops the point-cloud publishers of channels left without subscribers (session.md 8.3). */
  #stopPointClouds(open: Attachment, channels: readonly ChannelDescriptor[]): void {
    const retract: string[] = [];
    for (const c of channels) {
      const id = open.pointClouds.stop(c.id);
      if (id !== undefined) retract.push(id);
    }
    this.removeStatus(retract);
  }

  #reportDrops(open: Attachment, channelId: number, report: DropReport): void {
    const state = open.channels.get(channelId);
    if (state === undefined) {
      return;
    }
    const status = open.dropWarnings.record(channelId, state.channel.topic, report);
    log.warn(
      `topic ${state.channel.topic} (channel ${channelId}): dropped ${report.droppedSinceLast} ` +
        `message(s) larger than ${report.sizeLimit} bytes` +
        (report.lastSize === undefined ? "; " : ` (last: ${report.lastSize} bytes); `) +
        "classify the channel reliable or raise maxDataTrackMessageSize",
    );
    for (const key of state.subscribers) {
      if (!state.videoSubscribers.has(key)) {
        this.#viewers.get(key)?.connection.send(status);
      }
    }
  }

  #refuse(v: Viewer, message: ClientMessage, gate: Gate): void {
    switch (gate.reply) {
      case "status":
        this.#sendStatus(v, 2, gate.message);
        return;
      case "serviceCallFailure":
        if (message.op === "serviceCallRequest") {
          v.connection.send({
            op: "serviceCallFailure",
            serviceId: message.serviceId,
            callId: message.callId,
            message: gate.message,
          });
        }
        return;
      case "none":
        log.debug(`${gate.message} (viewer ${v.connection.name})`);
        return;
    }
  }

  #sendStatus(v: Viewer, level: 0 | 1 | 2, message: string): void {
    v.connection.send({ op: "status", level, message });
  }

  #broadcast(message: ServerMessage): void {
    for (const v of this.#viewers.values()) {
      v.connection.send(message);
    }
  }

  readonly #notify: NotifyListener = (what, call) => {
    try {
      call(this.#listener);
    } catch (error) {
      log.error(`listener ${what} threw`, error);
    }
  };
}

/** The wire form of a {@link ViewerStatus}. */
function toStatusMessage(status: ViewerStatus): ServerMessage {
  return {
    op: "status",
    level: STATUS_LEVELS[status.level],
    message: status.message,
    ...(status.id !== undefined ? { id: status.id } : {}),
  };
}
