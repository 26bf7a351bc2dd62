import {
  DisconnectReason,
  ParticipantState as FfiParticipantState,
  PublishDataTrackErrorCode,
  type ParticipantInfo,
  type PublishDataTrackCallback,
  type PublishDataTrackResponse,
  type RoomEvent as FfiRoomEvent,
} from "@livekit/rtc-ffi-bindings";
import {
  LocalVideoTrack,
  RoomEvent,
  TrackKind,
  TrackPublishOptions,
  TrackSource,
  VideoSource,
  type RemoteParticipant,
  type RemoteTrackPublication,
  type RemoteVideoTrack,
  type Room,
} from "@livekit/rtc-node";
import { FoxgloveError } from "../core/FoxgloveError.js";
import { log } from "../core/logger.js";
import { ByteStreamSender } from "./ByteStreamSender.js";
import { DataTrackPublishError } from "./DataTrackPublishError.js";
import { errorText } from "./errorText.js";
import { wrapByteStreamReader, type IncomingByteStream } from "./IncomingByteStream.js";
import { LocalDataTrack } from "./LocalDataTrack.js";
import { LocalVideoPublication } from "./LocalVideoPublication.js";
import { ffiClient, onRoomEvents, trackOpenRoom, waitForCallback } from "./native.js";
import { ParticipantRegistry, type ParticipantEvent } from "./ParticipantRegistry.js";
import { RemoteDataTrack } from "./RemoteDataTrack.js";
import type { ParticipantState, RemoteParticipantInfo } from "./RemoteParticipantInfo.js";
import type { RemoteVideoTrackInfo, RoomListener } from "./RoomListener.js";
import { safeCall } from "./safeCall.js";
import { encoderBackend, videoCodec, type VideoPublishOptions } from "./VideoPublishOptions.js";
import { VideoSubscription } from "./VideoSubscription.js";

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

/** Options of {@link LiveKitRoom.subscribeVideo}. */
export interface SubscribeVideoOptions {
  /** Decoded frames kept while the consumer is busy; older ones are dropped (default 4). */
  queueSize?: number;
  /** How long to wait for the track to appear and the subscription to start, ms (default 10 000). */
  timeoutMs?: number;
}

/** A registration that ends with `dispose()` (or `using`). */
export interface Registration extends Disposable {
  dispose(): void;
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
    room.on(RoomEvent.TrackPublished, (pub, p) => this.#onTrackPublished(pub, p));
    room.on(RoomEvent.TrackUnpublished, (pub, p) => this.#onTrackUnpublished(pub, p));

    // Participants and video tracks already present: report them in a later turn so that the
    // caller can finish setting up; newer events queue behind them (#held).
    for (const p of room.remoteParticipants.values()) {
      this.#emitParticipantEvents(this.#registry.connected(toParticipantInfo(p.info)));
      for (const pub of p.trackPublications.values()) {
        this.#onTrackPublished(pub as RemoteTrackPublication, p);
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
    try {
      writer = await lp.streamBytes({ topic, destinationIdentities: [...destinationIdentities] });
    } catch (cause) {
      throw new FoxgloveError(
        "ERR_LIVEKIT",
        `opening byte stream "${topic}" to ${destinationIdentities.join(",") || "everyone"} failed: ${errorText(cause)}`,
        { cause },
      );
    }
    return new ByteStreamSender(writer, {
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
   * refuses (see its `reason`), ERR_ABORTED when the room closes meanwhile.
   */
  async publishDataTrack(name: string): Promise<LocalDataTrack> {
    this.#assertOpen();
    if (typeof name !== "string" || name === "") {
      throw new FoxgloveError("ERR_VALUE", "a data track needs a non-empty name");
    }
    const lp = this.#room.localParticipant;
    if (lp === undefined) {
      throw new FoxgloveError("ERR_CHANNEL_CLOSED", "the room is not connected");
    }
    const res = ffiClient().request<PublishDataTrackResponse>({
      message: {
        case: "publishDataTrack",
        value: { localParticipantHandle: lp.ffi_handle.handle, options: { name } },
      },
    });
    if (res.asyncId === undefined) {
      throw new FoxgloveError("ERR_LIVEKIT", `publishing data track "${name}" failed`);
    }
    const cb = await waitForCallback<PublishDataTrackCallback>(
      "publishDataTrack",
      res.asyncId,
      this.#closed.signal,
    );
    if (cb.result.case === "track") {
      const track = new LocalDataTrack(cb.result.value);
      if (!this.connected) {
        track.unpublish();
        throw new FoxgloveError("ERR_ABORTED", `the room closed while publishing "${name}"`);
      }
      this.#localDataTracks.add(track);
      return track;
    }
    const code = cb.result.value?.code;
    throw new DataTrackPublishError(
      name,
      code === undefined ? "UNKNOWN" : (PublishDataTrackErrorCode[code] ?? "UNKNOWN"),
      cb.result.value?.message ?? "",
    );
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
    const publishOptions = new TrackPublishOptions({
      source: TrackSource.SOURCE_CAMERA,
      simulcast: false,
      videoCodec: videoCodec(options.codec ?? "h264"),
      videoEncoder: encoderBackend(options.encoder ?? "auto"),
      ...(options.maxBitrate !== undefined || options.maxFramerate !== undefined
        ? {
            videoEncoding: {
              maxBitrate: BigInt(Math.round(options.maxBitrate ?? 2_500_000)),
              maxFramerate: options.maxFramerate ?? 30,
            },
          }
        : {}),
    });
    const source = new VideoSource(options.width, options.height);
    const track = LocalVideoTrack.createVideoTrack(name, source);
    let sid: string;
    try {
      const pub = await lp.publishTrack(track, publishOptions);
      sid = pub.sid ?? "";
    } catch (cause) {
      await track.close(true).catch(() => {});
      throw new FoxgloveError(
        "ERR_LIVEKIT",
        `publishing video track "${name}" failed: ${errorText(cause)}`,
        {
          cause,
        },
      );
    }
    const publication: LocalVideoPublication = new LocalVideoPublication(
      name,
      sid,
      source,
      track,
      async () => {
        this.#videoPublications.delete(publication);
        if (this.connected) {
          await lp
            .unpublishTrack(sid, true)
            .catch((e: unknown) => log.debug("unpublishTrack failed:", e));
        }
      },
    );
    this.#videoPublications.add(publication);
    return publication;
  }

  /**
   * Subscribes to the video track `trackName` of participant `identity` and returns its decoded
   * frames. Waits up to `timeoutMs` for the track to be published and the subscription to start;
   * rejects with FoxgloveError ERR_TIMEOUT then, ERR_CHANNEL_CLOSED when the room closes.
   */
  async subscribeVideo(
    identity: string,
    trackName: string,
    options: SubscribeVideoOptions = {},
  ): Promise<VideoSubscription> {
    this.#assertOpen();
    const timeoutMs = options.timeoutMs ?? 10_000;
    const deadline = Date.now() + timeoutMs;
    const pub = await this.#waitForRoomEvent(
      () => findVideoPublication(this.#room, identity, trackName),
      RoomEvent.TrackPublished,
      deadline,
      `video track "${trackName}" of ${identity}`,
    );
    let track = pub.track as RemoteVideoTrack | undefined;
    const subscribedByUs = track === undefined && !this.#autoSubscribe;
    if (track === undefined) {
      if (!this.#autoSubscribe) {
        pub.setSubscribed(true);
      }
      track = (await this.#waitForRoomEvent(
        () => pub.track,
        RoomEvent.TrackSubscribed,
        deadline,
        `a subscription to video track "${trackName}" of ${identity}`,
      )) as RemoteVideoTrack;
    }
    const subscription: VideoSubscription = new VideoSubscription(
      track,
      identity,
      trackName,
      options.queueSize ?? 4,
      () => {
        this.#videoSubscriptions.delete(subscription);
        if (subscribedByUs && this.connected) {
          try {
            pub.setSubscribed(false);
          } catch (error) {
            log.debug("unsubscribing video failed:", error);
          }
        }
      },
    );
    this.#videoSubscriptions.add(subscription);
    return subscription;
  }

  /**
   * Leaves the room: unpublishes our tracks, ends subscriptions and disconnects (bounded by
   * `closeTimeoutMs` of connectRoom, default 5 s). Idempotent; never rejects.
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
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<"timeout">((resolve) => {
        timer = setTimeout(() => resolve("timeout"), this.#closeTimeoutMs);
      });
      const result = await Promise.race([
        this.#room.disconnect().catch((e: unknown) => e),
        timeout,
      ]);
      clearTimeout(timer);
      if (result === "timeout") {
        log.warn(`leaving LiveKit room "${this.name}" timed out after ${this.#closeTimeoutMs} ms`);
      } else if (result !== undefined) {
        log.debug("disconnect failed:", result);
      }
    } else {
      this.#room.removeAllListeners();
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
    switch (m.case) {
      case "participantConnected": {
        const info = m.value.info?.info;
        if (info !== undefined) {
          this.#emitParticipantEvents(this.#registry.connected(toParticipantInfo(info)));
        }
        return;
      }
      case "participantActive":
        this.#emitParticipantEvents(this.#registry.active(m.value.participantIdentity ?? ""));
        return;
      case "participantsUpdated":
        this.#emitParticipantEvents(
          this.#registry.updated(m.value.participants.map(toParticipantInfo)),
        );
        return;
      case "participantDisconnected":
        this.#emitParticipantEvents(
          this.#registry.disconnected(
            m.value.participantIdentity ?? "",
            reasonName(m.value.disconnectReason),
          ),
        );
        return;
      case "participantAttributesChanged": {
        const current = this.#registry.get(m.value.participantIdentity ?? "");
        if (current !== undefined) {
          const attributes: Record<string, string> = {};
          for (const { key, value } of m.value.attributes) {
            if (key !== undefined) {
              attributes[key] = value ?? "";
            }
          }
          this.#registry.updated([{ ...current, attributes }]);
        }
        return;
      }
      case "dataTrackPublished": {
        if (m.value.track === undefined) {
          return;
        }
        const track = new RemoteDataTrack(m.value.track);
        this.#remoteDataTracks.get(track.sid)?.release();
        this.#remoteDataTracks.set(track.sid, track);
        this.#emit("onDataTrackPublished", track);
        return;
      }
      case "dataTrackUnpublished": {
        const track = this.#remoteDataTracks.get(m.value.sid ?? "");
        if (track !== undefined) {
          this.#remoteDataTracks.delete(track.sid);
          track.release();
          this.#emit("onDataTrackUnpublished", track);
        }
        return;
      }
      case "reconnecting":
        this.#emit("onReconnecting");
        return;
      case "reconnected":
        this.#emit("onReconnected");
        return;
      case "disconnected":
        this.#closing ??= this.#shutDown(reasonName(m.value.reason) ?? "UNKNOWN_REASON", false);
        return;
      default:
        return;
    }
  }

  #onTrackPublished(pub: RemoteTrackPublication, p: RemoteParticipant | undefined): void {
    if (pub.kind === TrackKind.KIND_VIDEO && p !== undefined) {
      this.#emit("onVideoTrackPublished", videoInfo(pub, p));
    }
  }

  #onTrackUnpublished(pub: RemoteTrackPublication, p: RemoteParticipant | undefined): void {
    if (pub.kind === TrackKind.KIND_VIDEO && p !== undefined) {
      this.#emit("onVideoTrackUnpublished", videoInfo(pub, p));
    }
  }

  /** Resolves with `probe()` once it is defined, re-checking on each `event` until `deadline`. */
  async #waitForRoomEvent<T>(
    probe: () => T | undefined,
    event: RoomEvent.TrackPublished | RoomEvent.TrackSubscribed,
    deadline: number,
    what: string,
  ): Promise<T> {
    const now = probe();
    if (now !== undefined) {
      return now;
    }
    const signal = this.#closed.signal;
    return await new Promise<T>((resolve, reject) => {
      const check = () => {
        try {
          const value = probe();
          if (value !== undefined) {
            done();
            resolve(value);
          }
        } catch (error) {
          done();
          reject(error instanceof Error ? error : new Error(String(error)));
        }
      };
      const onClose = () => {
        done();
        reject(
          new FoxgloveError("ERR_CHANNEL_CLOSED", `the room closed while waiting for ${what}`),
        );
      };
      const timer = setTimeout(
        () => {
          done();
          reject(new FoxgloveError("ERR_TIMEOUT", `timed out waiting for ${what}`));
        },
        Math.max(0, deadline - Date.now()),
      );
      const done = () => {
        clearTimeout(timer);
        this.#room.off(event, check);
        signal.removeEventListener("abort", onClose);
      };
      this.#room.on(event, check);
      signal.addEventListener("abort", onClose, { once: true });
    });
  }
}

function findVideoPublication(
  room: Room,
  identity: string,
  trackName: string,
): RemoteTrackPublication | undefined {
  const p = room.remoteParticipants.get(identity);
  if (p === undefined) {
    return undefined;
  }
  for (const pub of p.trackPublications.values()) {
    if (pub.name === trackName && pub.kind === TrackKind.KIND_VIDEO) {
      return pub as RemoteTrackPublication;
    }
  }
  return undefined;
}

function videoInfo(pub: RemoteTrackPublication, p: RemoteParticipant): RemoteVideoTrackInfo {
  return Object.freeze({
    sid: pub.sid ?? "",
    name: pub.name ?? "",
    participantIdentity: p.identity,
  });
}

const STATES: Record<FfiParticipantState, ParticipantState> = {
  [FfiParticipantState.JOINING]: "joining",
  [FfiParticipantState.JOINED]: "joined",
  [FfiParticipantState.ACTIVE]: "active",
  [FfiParticipantState.DISCONNECTED]: "disconnected",
};

/** Converts LiveKit's participant info into our snapshot type. */
export function toParticipantInfo(info: ParticipantInfo): RemoteParticipantInfo {
  return {
    identity: info.identity ?? "",
    sid: info.sid ?? "",
    name: info.name ?? "",
    attributes: { ...info.attributes },
    state: STATES[info.state ?? FfiParticipantState.JOINING] ?? "joining",
    joinedAtMs: Number(info.joinedAt ?? 0n),
  };
}

function reasonName(reason: DisconnectReason | undefined): string | undefined {
  return reason === undefined ? undefined : (DisconnectReason[reason] ?? String(reason));
}

function registration(dispose: () => void): Registration {
  let done = false;
  const once = () => {
    if (!done) {
      done = true;
      dispose();
    }
  };
  return { dispose: once, [Symbol.dispose]: once };
}
