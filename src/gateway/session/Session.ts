import type { ChannelDescriptor } from "../../core/ChannelDescriptor.js";
import type { Context } from "../../core/Context.js";
import { log } from "../../core/logger.js";
import type { SinkChannelFilter } from "../../core/Sink.js";
import {
  CONTROL_TOPIC,
  decodeClientFrame,
  encodeServerFrame,
  FrameDecoder,
  PROTOCOL_VERSION_ATTRIBUTE,
  type AdvertiseServices,
  type ServerInfo,
  type Status,
} from "../../protocol/index.js";
import { checkViewerProtocolVersion } from "./checkViewerProtocolVersion.js";
import { LossyDataTracks, type PublishedDataTrack } from "./LossyDataTracks.js";
import { Participant } from "./Participant.js";
import { PendingResets } from "./PendingResets.js";
import type { QosClassifier } from "./QosProfile.js";
import { resolveSessionOptions } from "./resolveSessionOptions.js";
import { SessionCore } from "./SessionCore.js";
import { CHANNEL_WARNING_SWEEP_MS } from "./sessionDefaults.js";
import type { SessionListener } from "./SessionListener.js";
import type { SessionIncomingStream, SessionRoom, SessionRoomParticipant } from "./SessionRoom.js";

/** Options of {@link Session.start}. */
export interface SessionOptions {
  /** The joined LiveKit room (the gateway joins it and closes it after the session ends). */
  readonly room: SessionRoom;
  /** Whose channels are offered to viewers. */
  readonly context: Context;
  /** Sent first to every viewer (see `buildServerInfo`). */
  readonly serverInfo: ServerInfo;
  /** Viewer callbacks. Default: none. */
  readonly listener?: SessionListener | undefined;
  /** Channels the session may advertise. Default: all. */
  readonly channelFilter?: SinkChannelFilter | undefined;
  /** QoS per channel. Default: Lossy. */
  readonly qosClassifier?: QosClassifier | undefined;
  /** Services advertised to each joining viewer. Default: none. */
  readonly services?: (() => AdvertiseServices | undefined) | undefined;
  /** Per-viewer control queue capacity in messages. Default 1024. */
  readonly messageBacklogSize?: number | undefined;
  /** Largest Lossy message in bytes. Default 102400; at least 1200. */
  readonly maxDataTrackMessageSize?: number | undefined;
  /** End the session after this long without any viewer (ms). Default: never. */
  readonly deviceWaitForViewerMs?: number | undefined;
  /** Aborting it stops the session. */
  readonly signal?: AbortSignal | undefined;
}

/** Why a session ended: `stopped` (stop() or signal), `roomDisconnected`, or `idle` (no viewer). */
export type SessionEnd = "stopped" | "roomDisconnected" | "idle";

/**
 * The gateway's session in a LiveKit room: the I/O shell around {@link SessionCore}. It admits
 * viewers that become active (protocol-version gate, control stream, initial messages), removes
 * them when they leave, resets viewers whose queue overflowed or whose stream failed, reads their
 * control streams, publishes Lossy channels' data tracks, and sweeps channel warnings.
 * Room events, admissions and resets run one at a time, in order.
 */
export class Session implements AsyncDisposable {
  /** Resolves once the session has ended and been torn down. */
  readonly done: Promise<SessionEnd>;
  readonly #options: SessionOptions;
  readonly #room: SessionRoom;
  readonly #core: SessionCore;
  readonly #tracks: LossyDataTracks<PublishedDataTrack>;
  readonly #controller = new AbortController();
  readonly #resets: PendingResets;
  readonly #messageBacklogSize: number;
  readonly #registrations: Disposable[] = [];
  #events: Promise<void> = Promise.resolve();
  #resolveDone!: (end: SessionEnd) => void;
  #ending: SessionEnd | undefined;
  #sweeper: NodeJS.Timeout | undefined;
  #idle: NodeJS.Timeout | undefined;

  /**
   * Starts a session in `options.room`. Throws FoxgloveError `ERR_CONFIGURATION` for invalid
   * limits. The session runs until {@link stop}, the signal, the room's end, or the idle timeout.
   */
  static start(options: SessionOptions): Session {
    return new Session(options);
  }

  private constructor(options: SessionOptions) {
    const limits = resolveSessionOptions(options);
    this.#options = options;
    this.#room = options.room;
    this.#messageBacklogSize = limits.messageBacklogSize;
    this.done = new Promise((resolve) => (this.#resolveDone = resolve));
    this.#resets = new PendingResets(() => this.#enqueue(() => this.#drainResets()));
    this.#tracks = new LossyDataTracks({
      publish: async (name) => {
        const track = await this.#room.publishDataTrack(name);
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
    this.#core = new SessionCore({
      context: options.context,
      serverInfo: options.serverInfo,
      listener: options.listener,
      channelFilter: options.channelFilter,
      qosClassifier: options.qosClassifier,
      // Video tracks are not implemented yet: advertise video-capable channels as plain data.
      suppressVideoTranscode: (_: ChannelDescriptor) => true,
      services: options.services,
      dataPlane: {
        openDataTrack: (id) => this.#tracks.open(id),
        closeDataTrack: (id) => this.#tracks.close(id),
        pushLossy: (id, data, logTime) => this.#tracks.push(id, data, logTime),
      },
    });
    this.#start();
  }

  /** The decision core (for inspection: participants, channels, subscriptions). */
  get core(): SessionCore {
    return this.#core;
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
    this.#options.context.addSink(this.#core);
    for (const p of this.#room.remoteParticipants()) {
      if (p.state === "active") {
        this.#enqueue(() => this.#addParticipant(p));
      }
    }
    this.#sweeper = setInterval(() => this.#core.sweepWarnings(), CHANNEL_WARNING_SWEEP_MS);
    this.#sweeper.unref();
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
    if (!this.#core.wouldAdmit(info.identity, info.sid, info.joinedAtMs)) {
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
    });
    participant.signal.addEventListener("abort", () => void stream.close(), { once: true });
    void participant.startFlush((bytes) => stream.write(bytes));
    if (this.#core.admit(participant)) {
      log.info(`viewer ${info.identity} joined (client ${participant.clientId})`);
    }
  }

  #removeParticipant(sid: string): void {
    const p = this.#core.participantBySid(sid);
    if (p !== undefined && this.#core.remove(sid)) {
      log.info(`viewer ${p.identity} left`);
    }
  }

  /** Resets viewers whose queue overflowed or whose stream failed: remove, then re-add fresh. */
  async #drainResets(): Promise<void> {
    for (const sid of this.#resets.drain()) {
      const p = this.#core.participantBySid(sid);
      if (p === undefined || !this.#core.remove(sid)) {
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

  /** Reads one control stream from a viewer: frames in order, each message handled at once. */
  async #readControlStream(stream: SessionIncomingStream): Promise<void> {
    const decoder = new FrameDecoder();
    try {
      for await (const chunk of stream) {
        let frames;
        try {
          frames = decoder.push(chunk);
        } catch (error) {
          log.error(`stopped reading a control stream from ${stream.identity}`, error);
          await stream.cancel();
          return;
        }
        for (const frame of frames) {
          let message;
          try {
            message = decodeClientFrame(frame);
          } catch (error) {
            log.warn(`ignoring a malformed message from viewer ${stream.identity}`, error);
            continue;
          }
          const participant = this.#core.participant(stream.identity);
          if (participant === undefined) {
            log.warn(`message from unregistered viewer ${stream.identity}; stopped reading`);
            await stream.cancel();
            return;
          }
          this.#core.handleMessage(participant, message);
        }
      }
    } catch (error) {
      if (this.#ending === undefined) {
        log.debug(`control stream from ${stream.identity} ended`, error);
      }
    }
  }

  #armIdleTimer(): void {
    const ms = this.#options.deviceWaitForViewerMs;
    if (ms === undefined || this.#ending !== undefined) {
      return;
    }
    if (this.#core.participantCount > 0) {
      clearTimeout(this.#idle);
      this.#idle = undefined;
    } else if (this.#idle === undefined) {
      this.#idle = setTimeout(() => {
        this.#idle = undefined;
        if (this.#core.participantCount === 0) {
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
    clearInterval(this.#sweeper);
    clearTimeout(this.#idle);
    for (const r of this.#registrations.splice(0)) {
      try {
        r[Symbol.dispose]();
      } catch (error) {
        log.debug("releasing a room registration failed", error);
      }
    }
    const participants = this.#core.close();
    this.#controller.abort();
    await Promise.all(participants.map((p) => p.close()));
    await this.#tracks.closeAll();
    await this.#events;
    this.#resolveDone(reason);
  }
}
