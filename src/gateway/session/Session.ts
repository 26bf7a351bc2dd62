import { setMaxListeners } from "node:events";
import { log } from "../../core/logger.js";
import { Throttler } from "../../core/Throttler.js";
import {
  CONTROL_TOPIC,
  decodeClientFrame,
  encodeServerFrame,
  FrameDecoder,
  PROTOCOL_VERSION_ATTRIBUTE,
  type Status,
} from "../../protocol/index.js";
import type { ViewerHub } from "../../remote/ViewerHub.js";
import { checkViewerProtocolVersion } from "./checkViewerProtocolVersion.js";
import { ControlStreamBudget } from "./ControlStreamBudget.js";
import { LossyDataTracks, type PublishedDataTrack } from "./LossyDataTracks.js";
import { Participant, sharedFrameEncoder } from "./Participant.js";
import { ParticipantRegistry } from "./ParticipantRegistry.js";
import { PendingResets } from "./PendingResets.js";
import { resolveSessionOptions } from "./resolveSessionOptions.js";
import { VideoTracks } from "./VideoTracks.js";
import { resolveVideoCodecOptions, type VideoEncoderName } from "../../livekit/videoCodecNames.js";
import type { SessionIncomingStream, SessionRoom, SessionRoomParticipant } from "./SessionRoom.js";

/** Options of {@link Session.start}. */
export interface SessionOptions {
  /** The joined LiveKit room (the gateway joins it and closes it after the session ends). */
  readonly room: SessionRoom;
  /** The viewer hub this session serves (opened for the session's life; it must be closed). */
  readonly hub: ViewerHub;
  /** The server name announced to viewers. */
  readonly serverName: string;
  /** `serverInfo.sessionId`: the remote access session ID. Default `""`. */
  readonly sessionId?: string | undefined;
  /** Per-viewer control queue capacity in messages. Default 1024. */
  readonly messageBacklogSize?: number | undefined;
  /** Largest Lossy message in bytes. Default 102400; at least 1200. */
  readonly maxDataTrackMessageSize?: number | undefined;
  /** Largest frame a viewer may send, bytes. Default 1048576 (1 MiB); 1024 to 16 MiB. */
  readonly maxViewerFrameSize?: number | undefined;
  /** Control streams one viewer identity may have open toward the device. Default 4. */
  readonly maxControlStreamsPerViewer?: number | undefined;
  /** Preferred video encoder backend (see `SessionLimitOptions.videoEncoder`). Default "auto". */
  readonly videoEncoder?: VideoEncoderName | undefined;
  /** End the session after this long without any viewer (ms). Default: never. */
  readonly deviceWaitForViewerMs?: number | undefined;
  /** Aborting it stops the session. */
  readonly signal?: AbortSignal | undefined;
}

/** Why a session ended: `stopped` (stop() or signal), `roomDisconnected`, or `idle` (no viewer). */
export type SessionEnd = "stopped" | "roomDisconnected" | "idle";

/** Minimum time between two log lines of one kind caused by what one viewer sends, in ms. */
const PEER_WARNING_INTERVAL_MS = 10_000;

/** How many viewer-kind pairs the log throttle remembers before it starts afresh. */
const MAX_PEER_WARNING_KEYS = 1024;

/** The kinds of viewer input the session warns about (each throttled on its own). */
type PeerWarningKind = "notAdmitted" | "tooManyStreams" | "badFrame" | "malformed" | "unregistered";

/**
 * The gateway's session in a LiveKit room: a thin transport for a {@link ViewerHub}. It admits
 * viewers that become active (protocol-version gate, LiveKit registration rules, control stream),
 * connects them to the hub (whose messages it frames as v2 on each viewer's control queue),
 * removes them when they leave, resets viewers whose queue overflowed or whose stream failed,
 * reads their control streams into the hub, and publishes Lossy channels' data tracks.
 * Room events, admissions and resets run one at a time, in order.
 */
export class Session implements AsyncDisposable {
  /** Resolves once the session has ended and been torn down. */
  readonly done: Promise<SessionEnd>;
  readonly #options: SessionOptions;
  readonly #room: SessionRoom;
  readonly #hub: ViewerHub;
  readonly #participants = new ParticipantRegistry<Participant>();
  readonly #encode = sharedFrameEncoder();
  readonly #tracks: LossyDataTracks<PublishedDataTrack>;
  readonly #video: VideoTracks;
  readonly #controller = new AbortController();
  readonly #resets: PendingResets;
  readonly #messageBacklogSize: number;
  readonly #maxViewerFrameSize: number;
  readonly #streams: ControlStreamBudget;
  readonly #peerWarnings = new Map<string, Throttler>();
  readonly #registrations: Disposable[] = [];
  #events: Promise<void> = Promise.resolve();
  #resolveDone!: (end: SessionEnd) => void;
  #ending: SessionEnd | undefined;
  #idle: NodeJS.Timeout | undefined;

  /**
   * Starts a session in `options.room`, opening `options.hub` for it. Throws FoxgloveError
   * `ERR_CONFIGURATION` for invalid limits, `ERR_SERVER_ALREADY_STARTED` when the hub is open. The session runs until {@link stop}, the signal, the room's end, or the idle timeout.
   */
  static start(options: SessionOptions): Session {
    return new Session(options);
  }

  private constructor(options: SessionOptions) {
    const limits = resolveSessionOptions(options);
    // Every admitted viewer listens on the session's signal (one listener each, removed when it
    // leaves): many viewers are normal, not a leak.
    setMaxListeners(0, this.#controller.signal);
    this.#options = options;
    this.#room = options.room;
    this.#messageBacklogSize = limits.messageBacklogSize;
    this.#maxViewerFrameSize = limits.maxViewerFrameSize;
    this.#streams = new ControlStreamBudget(limits.maxControlStreamsPerViewer);
    this.done = new Promise((resolve) => (this.#resolveDone = resolve));
    this.#resets = new PendingResets(() => this.#enqueue(() => this.#drainResets()));
    this.#tracks = new LossyDataTracks({
      publish: async (name) => {
        const track = await this.#room.publishDataTrack(name, {
          burstGapMs: limits.lossyBurstGapMs,
        });
        return {
          tryPush: (header, data, ts) => {
            const result = track.offer(header, data, ts);
            return result === "sent" || result === "held";
          },
          unpublish: () => Promise.resolve(track.unpublish()),
        };
      },
      isDuplicateName: (e) => (e as { reason?: unknown } | null)?.reason === "DUPLICATE_NAME",
      maxMessageSize: limits.maxDataTrackMessageSize,
      signal: this.#controller.signal,
    });
    const video = resolveVideoCodecOptions(
      process.env,
      process.platform,
      options.videoEncoder,
      (m) => log.warn(m),
    );
    this.#video = new VideoTracks({
      publish: (name, size) => this.#room.publishVideo(name, { ...size, ...video }),
      onSource: (id, source) => this.#hub.setVideoMetadata(id, source),
    });
    this.#hub = options.hub;
    this.#hub.open({
      serverName: options.serverName,
      sessionId: options.sessionId,
      pointClouds: true,
      media: {
        openLossy: (id) => this.#tracks.open(id),
        closeLossy: (id) => this.#tracks.close(id),
        pushLossy: (id, data, logTime) => this.#tracks.push(id, data, logTime),
        startVideo: (id, schema) => this.#video.start(id, schema),
        stopVideo: (id) => this.#video.stop(id),
        pushVideo: (id, data, logTime) => this.#video.push(id, data, logTime),
        pushVideoMessage: (id, message, encoder, logTime) =>
          this.#video.pushMessage(id, message, encoder, logTime),
      },
      videoTracks: true,
    });
    this.#start();
  }

  /** The hub this session serves. */
  get hub(): ViewerHub {
    return this.#hub;
  }

  /** The admitted viewer with this identity, if any. */
  participant(identity: string): Participant | undefined {
    return this.#participants.getByIdentity(identity);
  }

  /** Number of admitted viewers. */
  get participantCount(): number {
    return this.#participants.size;
  }

  /** Ends the session and resolves once it is torn down (idempotent). */
  async stop(): Promise<void> {
    this.#end("stopped");
    await this.done;
  }

  /** Same as {@link stop}. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }

  #start(): void {
    const { signal } = this.#options;
    if (signal?.aborted === true || this.#room.signal.aborted) {
      this.#end(signal?.aborted === true ? "stopped" : "roomDisconnected");
      return;
    }
    // Listeners are removed when the session's own controller aborts (at teardown).
    const own = { once: true, signal: this.#controller.signal };
    signal?.addEventListener("abort", () => this.#end("stopped"), own);
    this.#room.signal.addEventListener("abort", () => this.#end("roomDisconnected"), own);
    this.#registrations.push(
      this.#room.addListener({
        onParticipantActive: (p) => this.#enqueue(() => this.#addParticipant(p)),
        onParticipantDisconnected: (p) => this.#enqueue(() => this.#removeParticipant(p.sid)),
        onDisconnected: () => this.#end("roomDisconnected"),
      }),
      this.#room.onByteStream(CONTROL_TOPIC, (stream) => this.#readControlStream(stream)),
    );
    for (const p of this.#room.remoteParticipants()) {
      if (p.state === "active") {
        this.#enqueue(() => this.#addParticipant(p));
      }
    }
    this.#armIdleTimer();
  }

  /** Runs room-driven work one task at a time; a failing task is logged. */
  #enqueue(task: () => void | Promise<void>): void {
    this.#events = this.#events.then(async () => {
      if (this.#ending !== undefined) {
        return;
      }
      try {
        await task();
      } catch (error) {
        log.error("session event failed", error);
      }
      this.#armIdleTimer();
    });
  }

  async #addParticipant(info: SessionRoomParticipant): Promise<void> {
    const check = checkViewerProtocolVersion(info.attributes[PROTOCOL_VERSION_ATTRIBUTE]);
    if (!check.compatible) {
      log.warn(`rejecting viewer ${info.identity}: protocol version ${check.version}`);
      await this.#reject(info.identity, check.status);
      return;
    }
    if (!this.#participants.wouldRegister(info.identity, info.sid, info.joinedAtMs)) {
      return;
    }
    let stream;
    try {
      stream = await this.#room.openByteStream({
        topic: CONTROL_TOPIC,
        destinationIdentities: [info.identity],
      });
    } catch (error) {
      log.warn(`cannot open a control stream to viewer ${info.identity}`, error);
      return;
    }
    if (this.#ending !== undefined) {
      void stream.close();
      return;
    }
    const participant = new Participant({
      identity: info.identity,
      sid: info.sid,
      joinedAt: info.joinedAtMs,
      pendingResets: this.#resets,
      signal: this.#controller.signal,
      messageBacklogSize: this.#messageBacklogSize,
      encode: this.#encode,
      protocolVersion: check.parsed,
    });
    participant.signal.addEventListener("abort", () => void stream.close(), { once: true });
    void participant.startFlush((frames) => stream.writeAll(frames));
    if (this.#admit(participant)) {
      log.info(`viewer ${info.identity} joined (client ${participant.clientId})`);
    }
  }

  /**
   * Registers a viewer whose control stream is open and connects it to the hub in one synchronous
   * turn (the hub queues serverInfo and the advertisement before any broadcast can reach it). A
   * replaced older connection of the identity is disconnected and closed. Returns false (and
   * closes `participant`) when it is stale.
   */
  #admit(participant: Participant): boolean {
    const outcome = this.#participants.register(participant);
    if (outcome.kind === "ignored") {
      void participant.close();
      return false;
    }
    if (outcome.kind === "replaced") {
      this.#hub.disconnect(outcome.prior);
      void outcome.prior.close();
    }
    if (!this.#hub.connect(participant)) {
      this.#participants.removeBySid(participant.sid); // the hub closed meanwhile
      void participant.close();
      return false;
    }
    return true;
  }

  /** Removes a viewer connection with full cleanup; false for a stale (unknown) SID. */
  #remove(sid: string): Participant | undefined {
    const participant = this.#participants.removeBySid(sid);
    if (participant !== undefined) {
      this.#hub.disconnect(participant);
      void participant.close();
    }
    return participant;
  }

  #removeParticipant(sid: string): void {
    const p = this.#remove(sid);
    if (p !== undefined) {
      log.info(`viewer ${p.identity} left`);
    }
    const identity = p?.identity;
    if (identity !== undefined && this.#participants.getByIdentity(identity) === undefined) {
      // Whatever its control streams hold is released with them.
      this.#streams.cancelAll(identity);
    }
  }

  /** Resets viewers whose queue overflowed or whose stream failed: remove, then re-add fresh. */
  async #drainResets(): Promise<void> {
    for (const sid of this.#resets.drain()) {
      const p = this.#remove(sid);
      if (p === undefined) {
        continue; // stale request
      }
      const current = this.#room.getParticipant(p.identity);
      if (current === undefined) {
        log.info(`viewer ${p.identity} left before its reset`);
        continue;
      }
      log.info(`resetting viewer ${p.identity}`);
      await this.#addParticipant(current);
    }
  }

  /** Sends a rejected viewer its single error status on a one-off control stream. */
  async #reject(identity: string, status: Status): Promise<void> {
    try {
      const stream = await this.#room.openByteStream({
        topic: CONTROL_TOPIC,
        destinationIdentities: [identity],
      });
      await stream.write(encodeServerFrame(status)).catch(() => undefined);
      await stream.close();
    } catch (error) {
      log.warn(`cannot send the rejection to viewer ${identity}`, error);
    }
  }

  /**
   * Whether a control stream from `identity` may be read: the sender is admitted, or is an active
   * participant with a compatible protocol version whose admission may still be under way. A
   * stream from anyone else (a rejected viewer, an unknown sender) is not read at all.
   */
  #mayRead(identity: string): boolean {
    if (this.#participants.getByIdentity(identity) !== undefined) {
      return true;
    }
    const info = this.#room.getParticipant(identity);
    return (
      info !== undefined &&
      info.state === "active" &&
      checkViewerProtocolVersion(info.attributes[PROTOCOL_VERSION_ATTRIBUTE]).compatible
    );
  }

  /**
   * Reads one control stream from a viewer: frames in order, each message handled at once.
   * Input limits: only streams of admissible senders are read, at most
   * `maxControlStreamsPerViewer` at a time per identity, and frames over `maxViewerFrameSize`
   * end the stream; so a viewer can make the device hold at most streams × frame size bytes,
   * released when its streams end or it leaves.
   */
  async #readControlStream(stream: SessionIncomingStream): Promise<void> {
    if (this.#ending !== undefined || !this.#mayRead(stream.identity)) {
      this.#peerWarning(
        "warn",
        "notAdmitted",
        stream.identity,
        `ignoring a control stream from ${stream.identity}: not an admitted viewer`,
      );
      await stream.cancel().catch(() => undefined);
      return;
    }
    const ticket = this.#streams.tryOpen(stream.identity, () => void stream.cancel());
    if (ticket === undefined) {
      this.#peerWarning(
        "warn",
        "tooManyStreams",
        stream.identity,
        `ignoring a control stream from ${stream.identity}: too many open streams`,
      );
      await stream.cancel().catch(() => undefined);
      return;
    }
    try {
      await this.#readAdmittedStream(stream);
    } finally {
      ticket.release();
    }
  }

  async #readAdmittedStream(stream: SessionIncomingStream): Promise<void> {
    const decoder = new FrameDecoder({ maxPayload: this.#maxViewerFrameSize });
    try {
      for await (const chunk of stream) {
        let frames;
        try {
          frames = decoder.push(chunk);
        } catch (error) {
          this.#peerWarning(
            "error",
            "badFrame",
            stream.identity,
            `stopped reading a control stream from ${stream.identity}`,
            error,
          );
          await stream.cancel();
          return;
        }
        for (const frame of frames) {
          let message;
          try {
            message = decodeClientFrame(frame);
          } catch (error) {
            this.#peerWarning(
              "warn",
              "malformed",
              stream.identity,
              `ignoring a malformed message from viewer ${stream.identity}`,
              error,
            );
            continue;
          }
          const participant = this.#participants.getByIdentity(stream.identity);
          if (participant === undefined) {
            this.#peerWarning(
              "warn",
              "unregistered",
              stream.identity,
              `message from unregistered viewer ${stream.identity}; stopped reading`,
            );
            await stream.cancel();
            return;
          }
          this.#hub.handleMessage(participant, message);
        }
      }
    } catch (error) {
      if (this.#ending !== undefined) {
        return;
      }
      // A stream that ends abnormally because its viewer left (a closed tab) is a normal end
      // (delta 4); any other read failure is worth a warning.
      if (this.#room.getParticipant(stream.identity) === undefined) {
        log.debug(`control stream from ${stream.identity} ended with its viewer`, error);
      } else {
        log.warn(`control stream from ${stream.identity} failed`, error);
      }
    }
  }

  /**
   * Logs a line caused by what a viewer sent, at most once per {@link PEER_WARNING_INTERVAL_MS}
   * per viewer and kind (with the count held back), so that a hostile peer cannot flood the
   * device's log. At most {@link MAX_PEER_WARNING_KEYS} viewer-kind pairs are remembered.
   */
  #peerWarning(
    level: "warn" | "error",
    kind: PeerWarningKind,
    identity: string,
    message: string,
    error?: unknown,
  ): void {
    const key = `${kind} ${identity}`;
    let throttle = this.#peerWarnings.get(key);
    if (throttle === undefined) {
      if (this.#peerWarnings.size >= MAX_PEER_WARNING_KEYS) {
        this.#peerWarnings.clear();
      }
      throttle = new Throttler(PEER_WARNING_INTERVAL_MS);
      this.#peerWarnings.set(key, throttle);
    }
    const suppressed = throttle.tryAcquire();
    if (suppressed === undefined) {
      return;
    }
    const text = suppressed > 0 ? `${message} (${suppressed} similar lines suppressed)` : message;
    if (error === undefined) {
      log[level](text);
    } else {
      log[level](text, error);
    }
  }

  #armIdleTimer(): void {
    const ms = this.#options.deviceWaitForViewerMs;
    if (ms === undefined || this.#ending !== undefined) {
      return;
    }
    if (this.#participants.size > 0) {
      clearTimeout(this.#idle);
      this.#idle = undefined;
    } else if (this.#idle === undefined) {
      this.#idle = setTimeout(() => {
        this.#idle = undefined;
        if (this.#participants.size === 0) {
          log.info("no viewer for the configured wait; ending the session");
          this.#end("idle");
        }
      }, ms);
    }
  }

  #end(reason: SessionEnd): void {
    if (this.#ending !== undefined) {
      return;
    }
    this.#ending = reason;
    void this.#teardown(reason);
  }

  async #teardown(reason: SessionEnd): Promise<void> {
    clearTimeout(this.#idle);
    for (const r of this.#registrations.splice(0)) {
      try {
        r[Symbol.dispose]();
      } catch (error) {
        log.debug("releasing a room registration failed", error);
      }
    }
    this.#hub.close();
    const participants = this.#participants.drain();
    this.#controller.abort();
    await Promise.all(participants.map((p) => p.close()));
    await Promise.all([this.#tracks.closeAll(), this.#video.closeAll()]);
    await this.#events;
    this.#resolveDone(reason);
  }
}
