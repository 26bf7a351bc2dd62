import type { ChannelDescriptor } from "../../core/ChannelDescriptor.js";
import type { Context } from "../../core/Context.js";
import { nextSinkId } from "../../core/ids.js";
import { log } from "../../core/logger.js";
import type { RawChannel } from "../../core/RawChannel.js";
import type { Metadata, Sink, SinkChannelFilter } from "../../core/Sink.js";
import {
  channelDropsStatusId,
  encodeMessageDataFrame,
  encodeServerFrame,
  type AdvertiseServices,
  type Capability,
  type ClientMessage,
  type ServerInfo,
  type ServerMessage,
} from "../../protocol/index.js";
import { capabilityGate } from "./capabilityGate.js";
import { ChannelRegistry } from "./ChannelRegistry.js";
import { ClientChannels } from "./ClientChannels.js";
import type { DropReport } from "./DropReport.js";
import { DropWarnings } from "./DropWarnings.js";
import { handleViewerMessage } from "./handleViewerMessage.js";
import { ParameterSubscriptions } from "./ParameterSubscriptions.js";
import type { Participant } from "./Participant.js";
import { ParticipantRegistry } from "./ParticipantRegistry.js";
import { planChannels } from "./planChannels.js";
import type { QosClassifier } from "./QosProfile.js";
import { routeLoggedMessage } from "./routeLoggedMessage.js";
import { RttTracker } from "./RttTracker.js";
import { NO_DATA_PLANE, type SessionDataPlane } from "./SessionDataPlane.js";
import type { SessionHandlerContext } from "./SessionHandlerContext.js";
import type { SessionClient, SessionListener } from "./SessionListener.js";

/** Options of {@link SessionCore}. */
export interface SessionCoreOptions {
  /** The Context whose channels are offered to viewers. */
  readonly context: Context;
  /** Sent first to every viewer (see `buildServerInfo`). */
  readonly serverInfo: ServerInfo;
  /** Viewer callbacks. Default: none. */
  readonly listener?: SessionListener | undefined;
  /** Data tracks and video. Default: none (lossy messages are not delivered). */
  readonly dataPlane?: SessionDataPlane | undefined;
  /** Channels the session may advertise. Default: all. */
  readonly channelFilter?: SinkChannelFilter | undefined;
  /** QoS per channel. Default: Lossy. */
  readonly qosClassifier?: QosClassifier | undefined;
  /** True = no video track for a video-capable channel. Default: never. */
  readonly suppressVideoTranscode?: ((channel: ChannelDescriptor) => boolean) | undefined;
  /** The services advertised to each joining viewer. Default: none. */
  readonly services?: (() => AdvertiseServices | undefined) | undefined;
  /** Monotonic clock in ms for warning expiry (default `performance.now`). */
  readonly now?: (() => number) | undefined;
}

/**
 * Everything a gateway session decides, without LiveKit: it is the Context sink (advertising
 * channels, routing logged messages to Reliable control streams or Lossy data tracks), the registry
 * of admitted viewers, and the handler of their messages (subscriptions, client publish, parameter
 * subscriptions, ping). Messages to a viewer are framed and queued on its {@link Participant};
 * the shell owns the LiveKit side (streams, data tracks, room events) and drives this class.
 * All methods are synchronous, so each runs as one critical section.
 */
export class SessionCore implements Sink {
  /** The sink ID of this session in the Context. */
  readonly id = nextSinkId();
  /** Viewers choose channels: the session manages its subscriptions. */
  readonly autoSubscribe = false;
  /** Applied by the Context before channels are announced. */
  readonly channelFilter: SinkChannelFilter | undefined;

  readonly #options: SessionCoreOptions;
  readonly #context: Context;
  readonly #listener: SessionListener;
  readonly #dataPlane: SessionDataPlane;
  readonly #capabilities: ReadonlySet<Capability>;
  readonly #serverInfoFrame: Uint8Array;
  readonly #participants = new ParticipantRegistry<Participant>();
  readonly #channels = new ChannelRegistry();
  readonly #clientChannels = new ClientChannels<ChannelDescriptor>();
  readonly #parameterSubscriptions = new ParameterSubscriptions();
  readonly #dropWarnings: DropWarnings;
  readonly #clients = new WeakMap<Participant, SessionClient>();
  readonly #handlerContext: SessionHandlerContext;
  /** Round-trip times measured with ping/pong. */
  readonly pingRtt = new RttTracker("ping/pong");
  #closed = false;

  constructor(options: SessionCoreOptions) {
    this.#options = options;
    this.#context = options.context;
    this.#listener = options.listener ?? {};
    this.#dataPlane = options.dataPlane ?? NO_DATA_PLANE;
    this.channelFilter = options.channelFilter;
    this.#capabilities = new Set(options.serverInfo.capabilities as Capability[]);
    this.#serverInfoFrame = encodeServerFrame(options.serverInfo);
    this.#dropWarnings = new DropWarnings(options.now);
    this.#handlerContext = this.#makeHandlerContext();
  }

  /** The capabilities announced in serverInfo. */
  get capabilities(): ReadonlySet<Capability> {
    return this.#capabilities;
  }

  /** Number of admitted viewers. */
  get participantCount(): number {
    return this.#participants.size;
  }

  /** The admitted viewer with this identity, if any (for routing its control streams). */
  participant(identity: string): Participant | undefined {
    return this.#participants.getByIdentity(identity);
  }

  /** The admitted viewer with this connection SID, if any. */
  participantBySid(sid: string): Participant | undefined {
    return this.#participants.getBySid(sid);
  }

  /** True when `participant` is (still) the admitted instance of its identity. */
  isAdmitted(participant: Participant): boolean {
    return this.#participants.getBySid(participant.sid) === participant;
  }

  /** The advertised channels and their subscriptions (read-only use). */
  get channels(): ChannelRegistry {
    return this.#channels;
  }

  // ---- Sink ----

  /** Routes one logged message to data subscribers (Sink callback; hot path). */
  log(channel: RawChannel, data: Uint8Array, metadata: Metadata): void {
    const state = this.#channels.get(channel.id);
    if (state === undefined) {
      return;
    }
    if (state.videoSubscribers.size > 0) {
      this.#dataPlane.pushVideo?.(channel.id, data, metadata.logTime);
    }
    const dataSubscribers = state.subscribers.size - state.videoSubscribers.size;
    switch (routeLoggedMessage(state.reliability, dataSubscribers)) {
      case "none":
        return;
      case "reliable": {
        const frame = encodeMessageDataFrame(channel.id, metadata.logTime, data);
        for (const sid of state.subscribers) {
          if (!state.videoSubscribers.has(sid)) {
            this.#participants.getBySid(sid)?.sendControl(frame);
          }
        }
        return;
      }
      case "lossy": {
        const report = this.#dataPlane.pushLossy(channel.id, data, metadata.logTime);
        if (report !== undefined) {
          this.#reportDrops(channel.id, report);
        }
        return;
      }
    }
  }

  /** Advertises new channels to every viewer and opens data tracks for Lossy ones (Sink callback). */
  addChannels(channels: readonly RawChannel[]): undefined {
    const { accepted, skipped } = planChannels(channels, {
      qosClassifier: this.#options.qosClassifier,
      suppressVideoTranscode: this.#options.suppressVideoTranscode,
    });
    for (const s of skipped) {
      log.error(`not advertising channel ${s.channel.topic}: ${s.reason}`);
    }
    const added = accepted.filter((plan) => this.#channels.insert(plan));
    const advertise = this.#channels.advertise(added.map((p) => p.channel.id));
    if (advertise !== undefined) {
      this.#broadcast(advertise);
    }
    for (const plan of added) {
      if (plan.reliability === "lossy") {
        this.#dataPlane.openDataTrack(plan.channel.id);
      }
    }
    return undefined;
  }

  /** Unadvertises a closed channel and tells its subscribers' listener (Sink callback). */
  removeChannel(channel: RawChannel): void {
    const removed = this.#channels.remove(channel.id);
    if (removed === undefined) {
      return;
    }
    this.#dataPlane.stopVideo?.(channel.id);
    this.#dataPlane.closeDataTrack(channel.id);
    this.#broadcast({ op: "unadvertise", channelIds: [channel.id] });
    this.#dropWarnings.forget(channel.id);
    this.#broadcast({ op: "removeStatus", statusIds: [channelDropsStatusId(channel.id)] });
    for (const sid of removed.subscribers) {
      const p = this.#participants.getBySid(sid);
      if (p !== undefined) {
        this.#notify("onUnsubscribe", (l) => l.onUnsubscribe?.(this.client(p), removed.channel));
      }
    }
  }

  // ---- participants ----

  /** The pre-check before opening a control stream: false for a known or stale connection. */
  wouldAdmit(identity: string, sid: string, joinedAt: number): boolean {
    return !this.#closed && this.#participants.wouldRegister(identity, sid, joinedAt);
  }

  /**
   * Admits a viewer whose control stream is open: queues serverInfo, one advertise of every
   * channel and one advertiseServices before it becomes visible to broadcasts, then registers it.
   * A replaced older connection of the identity is cleaned up and closed. Returns false (and
   * closes `participant`) when it is stale or the session is closed.
   */
  admit(participant: Participant): boolean {
    if (!this.wouldAdmit(participant.identity, participant.sid, participant.joinedAt)) {
      void participant.close();
      return false;
    }
    participant.sendControl(this.#serverInfoFrame);
    const advertise = this.#channels.advertise();
    if (advertise !== undefined) {
      this.#send(participant, advertise);
    }
    const services = this.#options.services?.();
    if (services !== undefined && services.services.length > 0) {
      this.#send(participant, services);
    }
    const outcome = this.#participants.register(participant);
    if (outcome.kind === "replaced") {
      this.#cleanup(outcome.prior, true);
      void outcome.prior.close();
    }
    return true;
  }

  /** Removes a viewer connection with full cleanup; false for a stale (unknown) SID. */
  remove(sid: string): boolean {
    const participant = this.#participants.removeBySid(sid);
    if (participant === undefined) {
      return false;
    }
    this.#cleanup(participant, true);
    void participant.close();
    return true;
  }

  /**
   * Ends the session: leaves the Context, runs every viewer's cleanup (so the listener hears an
   * unsubscribe for every subscription and client channel), and closes all participants. Returns
   * them so the caller can await their flush tasks. Idempotent.
   */
  close(): Participant[] {
    if (this.#closed) {
      return [];
    }
    this.#closed = true;
    this.#context.removeSink(this.id);
    const participants = this.#participants.drain();
    for (const p of participants) {
      this.#cleanup(p, false);
      void p.close();
    }
    return participants;
  }

  /** The listener's handle on a viewer (one per participant instance). */
  client(participant: Participant): SessionClient {
    let client = this.#clients.get(participant);
    if (client === undefined) {
      client = {
        id: participant.clientId,
        identity: participant.identity,
        sendStatus: (status) => this.#send(participant, { op: "status", ...status }),
      };
      this.#clients.set(participant, client);
    }
    return client;
  }

  // ---- viewer messages ----

  /**
   * Handles one parsed message from an admitted viewer: capability gate, then the handler.
   * Never throws (handler errors are logged).
   */
  handleMessage(participant: Participant, message: ClientMessage): void {
    const gate = capabilityGate(message.op, this.#capabilities);
    if (!gate.allowed) {
      this.#refuse(participant, message, gate.reply, gate.message);
      return;
    }
    try {
      handleViewerMessage(this.#handlerContext, participant, message);
    } catch (error) {
      log.error(`failed to handle ${message.op} from viewer ${participant.identity}`, error);
    }
  }

  // ---- broadcasts and warnings ----

  /** Sends a status to every admitted viewer (not stored, not replayed). */
  publishStatus(status: { level: 0 | 1 | 2; message: string; id?: string }): void {
    this.#broadcast({ op: "status", ...status });
  }

  /** Retracts statuses by ID on every admitted viewer. */
  removeStatus(ids: readonly string[]): void {
    if (ids.length > 0) {
      this.#broadcast({ op: "removeStatus", statusIds: [...ids] });
    }
  }

  /** The periodic sweep (every 15 s): clears drop warnings idle for 60 s on every viewer. */
  sweepWarnings(): void {
    this.removeStatus(this.#dropWarnings.drainExpired());
  }

  // ---- internals shared with the message handlers ----

  #makeHandlerContext(): SessionHandlerContext {
    return {
      participants: this.#participants,
      channels: this.#channels,
      clientChannels: this.#clientChannels,
      parameterSubscriptions: this.#parameterSubscriptions,
      dropWarnings: this.#dropWarnings,
      pingRtt: this.pingRtt,
      send: (p: Participant, m: ServerMessage) => this.#send(p, m),
      client: (p: Participant) => this.client(p),
      notify: (what: string, call: (l: SessionListener) => void) => this.#notify(what, call),
      subscribeContext: (ids: number[]) => this.#context.subscribeChannels(this.id, ids),
      unsubscribeContext: (ids: number[]) => this.#context.unsubscribeChannels(this.id, ids),
      dataPlane: this.#dataPlane,
    };
  }

  #cleanup(p: Participant, unsubscribeContext: boolean): void {
    const subs = this.#channels.removeSubscriber(p.sid);
    const clientChannels = this.#clientChannels.removeAll(p.sid);
    const names = this.#parameterSubscriptions.removeSubscriber(p.sid);
    if (unsubscribeContext && subs.lastUnsubscribed.length > 0) {
      this.#context.unsubscribeChannels(
        this.id,
        subs.lastUnsubscribed.map((c) => c.id),
      );
    }
    for (const id of subs.lastVideo) {
      this.#dataPlane.stopVideo?.(id);
    }
    if (names.length > 0) {
      this.#notify("onParametersUnsubscribe", (l) => l.onParametersUnsubscribe?.(names));
    }
    const client = this.client(p);
    for (const channel of subs.unsubscribed) {
      this.#notify("onUnsubscribe", (l) => l.onUnsubscribe?.(client, channel));
    }
    for (const channel of clientChannels) {
      this.#notify("onClientUnadvertise", (l) => l.onClientUnadvertise?.(client, channel));
    }
  }

  #reportDrops(channelId: number, report: DropReport): void {
    const state = this.#channels.get(channelId);
    if (state === undefined) {
      return;
    }
    const status = this.#dropWarnings.record(channelId, state.channel.topic, report);
    log.warn(
      `topic ${state.channel.topic} (channel ${channelId}): dropped ${report.droppedSinceLast} ` +
        `message(s) larger than ${report.sizeLimit} bytes` +
        (report.lastSize === undefined ? "; " : ` (last: ${report.lastSize} bytes); `) +
        "classify the channel reliable or raise maxDataTrackMessageSize",
    );
    const frame = this.#encode(status);
    if (frame === undefined) {
      return;
    }
    for (const sid of state.subscribers) {
      if (!state.videoSubscribers.has(sid)) {
        this.#participants.getBySid(sid)?.sendControl(frame);
      }
    }
  }

  #refuse(
    p: Participant,
    message: ClientMessage,
    reply: "status" | "serviceCallFailure" | "none",
    text: string,
  ): void {
    switch (reply) {
      case "status":
        this.#send(p, { op: "status", level: 2, message: text });
        return;
      case "serviceCallFailure":
        if (message.op === "serviceCallRequest") {
          this.#send(p, {
            op: "serviceCallFailure",
            serviceId: message.serviceId,
            callId: message.callId,
            message: text,
          });
        }
        return;
      case "none":
        log.debug(`${text} (viewer ${p.identity})`);
        return;
    }
  }

  #encode(message: ServerMessage): Uint8Array | undefined {
    try {
      return encodeServerFrame(message);
    } catch (error) {
      log.error(`failed to encode ${message.op}`, error);
      return undefined;
    }
  }

  #send(p: Participant, message: ServerMessage): void {
    const frame = this.#encode(message);
    if (frame !== undefined) {
      p.sendControl(frame);
    }
  }

  #broadcast(message: ServerMessage): void {
    if (this.#participants.size === 0) {
      return;
    }
    const frame = this.#encode(message);
    if (frame !== undefined) {
      for (const p of this.#participants.values()) {
        p.sendControl(frame);
      }
    }
  }

  #notify(what: string, call: (listener: SessionListener) => void): void {
    try {
      call(this.#listener);
    } catch (error) {
      log.error(`listener ${what} threw`, error);
    }
  }
}
