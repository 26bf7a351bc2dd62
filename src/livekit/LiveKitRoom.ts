import { randomUUID } from "node:crypto";
import type { RoomEvent as FfiRoomEvent } from "@livekit/rtc-ffi-bindings";
import { RoomEvent, type Room } from "@livekit/rtc-node";
import { FoxgloveError } from "../core/FoxgloveError.js";
import { log } from "../core/logger.js";
import { ByteStreamSender } from "./ByteStreamSender.js";
import { errorText } from "./errorText.js";
import { wrapByteStreamReader, type IncomingByteStream } from "./IncomingByteStream.js";
import type { DataTrackPacing, LocalDataTrack } from "./LocalDataTrack.js";
import type { LocalVideoPublication } from "./LocalVideoPublication.js";
import { captureByteStreamWriter, detachFromFfi, onRoomEvents, trackOpenRoom } from "./native.js";
import { NativeByteSink, rtcByteSink } from "./NativeByteSink.js";
import { disconnectReasonName, toParticipantInfo } from "./participantInfo.js";
import { ParticipantRegistry, type ParticipantEvent } from "./ParticipantRegistry.js";
import { publishDataTrack } from "./publishDataTrack.js";
import { registration, type Registration } from "./Registration.js";
import { RemoteDataTrack } from "./RemoteDataTrack.js";
import type { RemoteParticipantInfo } from "./RemoteParticipantInfo.js";
import type { RoomListener } from "./RoomListener.js";
import {
  publishVideo,
  remoteVideoInfo,
  subscribeVideo,
  type SubscribeVideoOptions,
} from "./roomVideo.js";
import { safeCall } from "./safeCall.js";
import type { VideoPublishOptions } from "./VideoPublishOptions.js";
import type { VideoSubscription } from "./VideoSubscription.js";

/** Options of {@link LiveKitRoom.openByteStream}. */
export interface OpenByteStreamOptions {
  /** The stream topic, e.g. "control". */
  topic: string;
  /** Who receives the stream (usually exactly one identity; empty = everyone in the room). */
  destinationIdentities: readonly string[];
  /** Most bytes merged into one LiveKit write (default 65 536). */
  maxBatchBytes?: number;
  /** Called once when a write fails (the sender is unusable afterwards). */
  onError?: (error: FoxgloveError) => void;
}

/** @internal Everything {@link LiveKitRoom} needs from connectRoom. */
export interface RoomInit {
  room: Room;
  roomHandle: bigint;
  release: () => void;
  listener: Partial<RoomListener> | undefined;
  autoSubscribe: boolean;
  closeTimeoutMs: number;
}

/**
 * A connection to a LiveKit room, created by `connectRoom`. It wraps rtc-node's Room with the
 * pieces the Foxglove protocol needs: participant lifecycle with a synthesized "active" event,
 * control byte streams, data tracks and video tracks. Close it with {@link close} (or
 * `await using`); it also ends by itself when the server disconnects us ({@link RoomListener.onDisconnected}).
 */
export class LiveKitRoom implements AsyncDisposable {
  /** Our identity in the room (from the token). */
  readonly localIdentity: string;
  /** Name of the room. */
  readonly name: string;
  readonly #room: Room;
  readonly #release: () => void;
  readonly #autoSubscribe: boolean;
  readonly #closeTimeoutMs: number;
  readonly #registry = new ParticipantRegistry();
  readonly #listeners: Partial<RoomListener>[] = [];
  readonly #remoteDataTracks = new Map<string, RemoteDataTrack>();
  readonly #localDataTracks = new Set<LocalDataTrack>();
  readonly #videoPublications = new Set<LocalVideoPublication>();
  readonly #videoSubscriptions = new Set<VideoSubscription>();
  readonly #streamTopics = new Set<string>();
  readonly #closed = new AbortController();
  readonly #stopRoomEvents: () => void;
  readonly #untrack: () => void;
  #held: (() => void)[] | undefined = [];
  #closing: Promise<void> | undefined;
  #disconnectReason: string | undefined;

  /** @internal Use `connectRoom`. */
  constructor(init: RoomInit) {
    const room = init.room;
    this.#room = room;
    this.#release = init.release;
    this.#autoSubscribe = init.autoSubscribe;
    this.#closeTimeoutMs = init.closeTimeoutMs;
    this.localIdentity = room.localParticipant?.identity ?? "";
    this.name = room.name ?? "";
    if (init.listener !== undefined) {
      this.#listeners.push(init.listener);
    }
    this.#stopRoomEvents = onRoomEvents(init.roomHandle, (m) => this.#onRoomEvent(m));
    this.#untrack = trackOpenRoom(() => this.close());
    room.on(RoomEvent.TrackPublished, (pub, p) => this.#onVideoPublication(pub, p, true));
    room.on(RoomEvent.TrackUnpublished, (pub, p) => this.#onVideoPublication(pub, p, false));

    // Participants and video tracks already present: report them in a later turn so that the
    // caller can finish setting up; newer events queue behind them (#held).
    for (const p of room.remoteParticipants.values()) {
      this.#emitParticipantEvents(this.#registry.connected(toParticipantInfo(p.info)));
      for (const pub of p.trackPublications.values()) {
        this.#onVideoPublication(pub, p, true);
      }
    }
    setImmediate(() => {
      const held = this.#held ?? [];
      this.#held = undefined;
      for (const emit of held) {
        emit();
      }
    });
  }

  /** False once the room closed (by {@link close} or by the server). */
  get connected(): boolean {
    return !this.#closed.signal.aborted;
  }

  /** Aborted when the room closes; handy for tying other work to the room's lifetime. */
  get signal(): AbortSignal {
    return this.#closed.signal;
  }

  /** Why the room closed ("CLIENT_INITIATED" after {@link close}); undefined while connected. */
  get disconnectReason(): string | undefined {
    return this.#disconnectReason;
  }

  /** Snapshots of the other participants currently in the room. */
  remoteParticipants(): RemoteParticipantInfo[] {
    return this.#registry.list();
  }

  /** The snapshot of `identity`, if that participant is in the room. */
  getParticipant(identity: string): RemoteParticipantInfo | undefined {
    return this.#registry.get(identity);
  }

  /** True when `identity` is in the room and active (able to receive data). */
  isParticipantActive(identity: string): boolean {
    return this.#registry.isActive(identity);
  }

  /** Data tracks currently published by other participants. */
  remoteDataTracks(): RemoteDataTrack[] {
    return [...this.#remoteDataTracks.values()];
  }

  /** Adds a listener (see {@link RoomListener}); dispose the result to remove it. */
  addListener(listener: Partial<RoomListener>): Registration {
    this.#listeners.push(listener);
    return registration(() => {
      const i = this.#listeners.indexOf(listener);
      if (i >= 0) {
        this.#listeners.splice(i, 1);
      }
    });
  }

  /**
   * Opens a byte stream to `destinationIdentities` on `topic`. Throws FoxgloveError
   * ERR_CHANNEL_CLOSED when the room is closed and ERR_LIVEKIT when LiveKit refuses.
   */
  async openByteStream(options: OpenByteStreamOptions): Promise<ByteStreamSender> {
    this.#assertOpen();
    const { topic, destinationIdentities } = options;
    if (typeof topic !== "string" || topic === "") {
      throw new FoxgloveError("ERR_VALUE", "a byte stream needs a non-empty topic");
    }
    const lp = this.#room.localParticipant;
    if (lp === undefined) {
      throw new FoxgloveError("ERR_CHANNEL_CLOSED", "the room is not connected");
    }
    let writer;
    const streamId = randomUUID();
    const writerHandle = captureByteStreamWriter(streamId);
    let handle: bigint | undefined;
    try {
      writer = await lp.streamBytes({
        topic,
        destinationIdentities: [...destinationIdentities],
        streamId,
      });
    } catch (cause) {
      throw new FoxgloveError(
        "ERR_LIVEKIT",
        `opening byte stream "${topic}" to ${destinationIdentities.join(",") || "everyone"} failed: ${errorText(cause)}`,
        { cause },
      );
    } finally {
      handle = writerHandle();
    }
    const sink =
      handle === undefined
        ? rtcByteSink(writer)
        : new NativeByteSink(handle, writer, this.#closed.signal);
    return new ByteStreamSender(sink, {
      ...(options.maxBatchBytes !== undefined ? { maxBatchBytes: options.maxBatchBytes } : {}),
      ...(options.onError !== undefined ? { onError: options.onError } : {}),
      description: `byte stream "${topic}" to ${destinationIdentities.join(",") || "everyone"}`,
    });
  }

  /**
   * Calls `handler` for every byte stream other participants open to us on `topic`. Streams on
   * topics without a handler are dropped by LiveKit. When the handler throws (or its promise
   * rejects) the error is logged and the stream cancelled. Throws FoxgloveError ERR_VALUE when
   * the topic already has a handler.
   */
  onByteStream(
    topic: string,
    handler: (stream: IncomingByteStream) => void | Promise<void>,
  ): Registration {
    if (this.#streamTopics.has(topic)) {
      throw new FoxgloveError("ERR_VALUE", `byte stream topic "${topic}" already has a handler`);
    }
    this.#streamTopics.add(topic);
    this.#room.registerByteStreamHandler(topic, (reader, { identity }) => {
      const stream = wrapByteStreamReader(reader, identity);
      const fail = (error: unknown) => {
        log.error(`byte stream handler for "${topic}" failed:`, error);
        void stream.cancel().catch(() => {});
      };
      try {
        const result = handler(stream);
        if (result instanceof Promise) {
          result.then(undefined, fail);
        }
      } catch (error) {
        fail(error);
      }
    });
    return registration(() => {
      if (this.#streamTopics.delete(topic)) {
        this.#room.unregisterByteStreamHandler(topic);
      }
    });
  }

  /**
   * Publishes a data track named `name`. Rejects with {@link DataTrackPublishError} when LiveKit
   * refuses (see its `reason`), ERR_ABORTED when the room closes meanwhile. `pacing` configures
   * the track's paced sender ({@link LocalDataTrack.offer}).
   */
  async publishDataTrack(name: string, pacing?: DataTrackPacing): Promise<LocalDataTrack> {
    this.#assertOpen();
    const lp = this.#room.localParticipant;
    if (lp === undefined) {
      throw new FoxgloveError("ERR_CHANNEL_CLOSED", "the room is not connected");
    }
    const track = await publishDataTrack(lp.ffi_handle.handle, name, this.#closed.signal, pacing);
    if (!this.connected) {
      track.unpublish();
      throw new FoxgloveError("ERR_ABORTED", `the room closed while publishing "${name}"`);
    }
    this.#localDataTracks.add(track);
    return track;
  }

  /**
   * Publishes a video track named `name` fed with raw frames (see {@link LocalVideoPublication}).
   * Rejects with FoxgloveError ERR_LIVEKIT when LiveKit refuses.
   */
  async publishVideo(name: string, options: VideoPublishOptions): Promise<LocalVideoPublication> {
    this.#assertOpen();
    const lp = this.#room.localParticipant;
    if (lp === undefined) {
      throw new FoxgloveError("ERR_CHANNEL_CLOSED", "the room is not connected");
    }
    const publication = await publishVideo(
      lp,
      name,
      options,
      () => this.connected,
      (pub) => this.#videoPublications.delete(pub),
    );
    this.#videoPublications.add(publication);
    return publication;
  }

  /**
   * Subscribes to the video track `trackName` of participant `identity` and returns its decoded
   * frames. Waits up to `timeoutMs` for the track to be published and the subscription to start;
   * rejects with FoxgloveError ERR_TIMEOUT then, ERR_CHANNEL_CLOSED when the room closes or
   * `signal` aborts.
   */
  async subscribeVideo(
    identity: string,
    trackName: string,
    options: SubscribeVideoOptions = {},
  ): Promise<VideoSubscription> {
    this.#assertOpen();
    const subscription = await subscribeVideo(
      this.#room,
      identity,
      trackName,
      { ...options, autoSubscribe: this.#autoSubscribe, roomSignal: this.#closed.signal },
      (sub) => this.#videoSubscriptions.delete(sub),
    );
    this.#videoSubscriptions.add(subscription);
    return subscription;
  }

  /**
   * Leaves the room: unpublishes our tracks, ends subscriptions and disconnects, always to
   * completion (a disconnect slower than `closeTimeoutMs` of connectRoom, default 5 s, is
   * logged). Idempotent; never rejects.
   */
  close(): Promise<void> {
    this.#closing ??= this.#shutDown("CLIENT_INITIATED", true);
    return this.#closing;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  // -------------------------------------------------------------------------------------------

  #assertOpen(): void {
    if (!this.connected) {
      throw new FoxgloveError(
        "ERR_CHANNEL_CLOSED",
        `the room is closed (${this.#disconnectReason ?? ""})`,
      );
    }
  }

  async #shutDown(reason: string, disconnect: boolean): Promise<void> {
    if (this.#closed.signal.aborted) {
      return;
    }
    this.#disconnectReason = reason;
    this.#closed.abort(new FoxgloveError("ERR_CHANNEL_CLOSED", `the room closed (${reason})`));
    this.#stopRoomEvents();
    this.#untrack();
    for (const track of this.#localDataTracks) {
      track.unpublish();
    }
    this.#localDataTracks.clear();
    for (const track of this.#remoteDataTracks.values()) {
      track.release();
    }
    this.#remoteDataTracks.clear();
    const closing: Promise<void>[] = [];
    for (const sub of this.#videoSubscriptions) {
      closing.push(sub.close());
    }
    for (const pub of this.#videoPublications) {
      closing.push(pub.unpublish());
    }
    await Promise.allSettled(closing);
    if (disconnect) {
      // Always run to completion (an abandoned disconnect leaves us in the room, and the SFU
      // then evicts our reconnecting identity as a duplicate); only log when it is slow.
      const slow = setTimeout(
        () => log.warn(`leaving LiveKit room "${this.name}" takes over ${this.#closeTimeoutMs} ms`),
        this.#closeTimeoutMs,
      );
      const result = await this.#room.disconnect().catch((e: unknown) => e);
      clearTimeout(slow);
      if (result !== undefined) {
        log.debug("disconnect failed:", result);
      }
    } else {
      // rtc-node only detaches a room from the FFI client in disconnect(), which is a no-op
      // once the server has disconnected it: detach it here so it does not linger.
      this.#room.removeAllListeners();
      detachFromFfi((this.#room as unknown as { onFfiEvent?: unknown }).onFfiEvent);
    }
    this.#registry.clear();
    this.#emit("onDisconnected", reason);
    this.#release();
  }

  #emit<K extends keyof RoomListener>(name: K, ...args: Parameters<RoomListener[K]>): void {
    const run = () => {
      for (const listener of [...this.#listeners]) {
        const fn = listener[name] as ((...a: Parameters<RoomListener[K]>) => unknown) | undefined;
        safeCall(`room listener ${name}`, listener, fn, ...args);
      }
    };
    if (this.#held !== undefined) {
      this.#held.push(run);
    } else {
      run();
    }
  }

  #emitParticipantEvents(events: ParticipantEvent[]): void {
    for (const ev of events) {
      switch (ev.type) {
        case "connected":
          this.#emit("onParticipantConnected", ev.participant);
          break;
        case "active":
          this.#emit("onParticipantActive", ev.participant);
          break;
        case "disconnected":
          this.#emit("onParticipantDisconnected", ev.participant);
          break;
      }
    }
  }

  #onRoomEvent(m: FfiRoomEvent["message"]): void {
    const registry = this.#registry;
    if (m.case === "participantConnected") {
      const info = m.value.info?.info;
      if (info !== undefined) {
        this.#emitParticipantEvents(registry.connected(toParticipantInfo(info)));
      }
    } else if (m.case === "participantActive") {
      this.#emitParticipantEvents(registry.active(m.value.participantIdentity ?? ""));
    } else if (m.case === "participantsUpdated") {
      this.#emitParticipantEvents(registry.updated(m.value.participants.map(toParticipantInfo)));
    } else if (m.case === "participantDisconnected") {
      const reason = disconnectReasonName(m.value.disconnectReason);
      this.#emitParticipantEvents(registry.disconnected(m.value.participantIdentity ?? "", reason));
    } else if (m.case === "participantAttributesChanged") {
      const current = registry.get(m.value.participantIdentity ?? "");
      if (current !== undefined) {
        const attributes = Object.fromEntries(
          m.value.attributes.map((a) => [a.key ?? "", a.value ?? ""]),
        );
        registry.updated([{ ...current, attributes }]);
      }
    } else if (m.case === "dataTrackPublished") {
      this.#onDataTrackPublished(m.value.track);
    } else if (m.case === "dataTrackUnpublished") {
      const track = this.#remoteDataTracks.get(m.value.sid ?? "");
      if (track !== undefined) {
        this.#remoteDataTracks.delete(track.sid);
        track.release();
        this.#emit("onDataTrackUnpublished", track);
      }
    } else if (m.case === "reconnecting") {
      this.#emit("onReconnecting");
    } else if (m.case === "reconnected") {
      this.#emit("onReconnected");
    } else if (m.case === "disconnected") {
      const reason = disconnectReasonName(m.value.reason) ?? "UNKNOWN_REASON";
      this.#closing ??= this.#shutDown(reason, false);
    }
  }

  #onDataTrackPublished(owned: ConstructorParameters<typeof RemoteDataTrack>[0] | undefined): void {
    if (owned === undefined) {
      return;
    }
    const track = new RemoteDataTrack(owned);
    this.#remoteDataTracks.get(track.sid)?.release();
    this.#remoteDataTracks.set(track.sid, track);
    this.#emit("onDataTrackPublished", track);
  }

  #onVideoPublication(
    pub: Parameters<typeof remoteVideoInfo>[0],
    p: Parameters<typeof remoteVideoInfo>[1],
    published: boolean,
  ): void {
    const info = remoteVideoInfo(pub, p);
    if (info !== undefined) {
      this.#emit(published ? "onVideoTrackPublished" : "onVideoTrackUnpublished", info);
    }
  }
}
