import {
  LocalVideoTrack,
  RoomEvent,
  TrackKind,
  TrackPublishOptions,
  TrackSource,
  VideoBufferType,
  VideoFrame,
  VideoSource,
  type LocalParticipant,
  type RemoteParticipant,
  type RemoteTrackPublication,
  type Room,
  type TrackPublication,
} from "@livekit/rtc-node";
import { FoxgloveError } from "../core/FoxgloveError.js";
import { log } from "../core/logger.js";
import { errorText } from "./errorText.js";
import { LocalVideoPublication } from "./LocalVideoPublication.js";
import type { RemoteVideoTrackInfo } from "./RoomListener.js";
import { encoderBackend, videoCodec, type VideoPublishOptions } from "./VideoPublishOptions.js";
import { VideoSubscription } from "./VideoSubscription.js";
import { waitUntil } from "./waitUntil.js";

/** A 16x16 black I420 frame (Y 16, U and V 128). */
const PLACEHOLDER_STOP = new Uint8Array(16 * 16 * 1.5).fill(16, 0, 256).fill(128, 256);

/** Publishes a raw-frame video track; `onUnpublished` runs once when it is unpublished. */
export async function publishVideo(
  lp: LocalParticipant,
  name: string,
  options: VideoPublishOptions,
  isConnected: () => boolean,
  onUnpublished: (pub: LocalVideoPublication) => void,
): Promise<LocalVideoPublication> {
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
  // Until its first captured frame, LiveKit's source sends black frames of its nominal size to the
  // track (10 per second), which viewers would decode as pictures. One tiny frame captured now,
  // before the track has an encoder (it goes nowhere; timestamp 0, below any real one), stops them.
  source.captureFrame(new VideoFrame(PLACEHOLDER_STOP, 16, 16, VideoBufferType.I420), 0n);
  const track = LocalVideoTrack.createVideoTrack(name, source);
  let sid: string;
  try {
    sid = (await lp.publishTrack(track, publishOptions)).sid ?? "";
  } catch (cause) {
    await track.close(true).catch(() => {});
    throw new FoxgloveError(
      "ERR_LIVEKIT",
      `publishing video track "${name}" failed: ${errorText(cause)}`,
      { cause },
    );
  }
  const publication: LocalVideoPublication = new LocalVideoPublication(
    name,
    sid,
    source,
    track,
    async () => {
      onUnpublished(publication);
      if (isConnected()) {
        await lp
          .unpublishTrack(sid, true)
          .catch((e: unknown) => log.debug("unpublishTrack failed:", e));
      }
    },
  );
  return publication;
}

/** Options of {@link LiveKitRoom.subscribeVideo}. */
export interface SubscribeVideoOptions {
  /** Decoded frames kept while the consumer is busy; older ones are dropped (default 4). */
  queueSize?: number;
  /** How long to wait for the track to appear and the subscription to start, ms (default 10 000). */
  timeoutMs?: number;
  /** Aborting it while waiting rejects with FoxgloveError ERR_CHANNEL_CLOSED. */
  signal?: AbortSignal;
  /**
   * The sid of a track of this name that just ended ({@link VideoSubscription.trackSid}): it may
   * still be listed for a moment, so wait for a newer one.
   */
  afterTrackSid?: string;
}

/**
 * Subscribes to video track `trackName` of `identity`, waiting for it to be published and the
 * subscription to start. `onClosed` runs once when the subscription closes.
 */
export async function subscribeVideo(
  room: Room,
  identity: string,
  trackName: string,
  options: SubscribeVideoOptions & { autoSubscribe: boolean; roomSignal: AbortSignal },
  onClosed: (sub: VideoSubscription) => void,
): Promise<VideoSubscription> {
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  const roomSignal = options.roomSignal;
  const waitSignal =
    options.signal === undefined ? roomSignal : AbortSignal.any([roomSignal, options.signal]);
  const events = [RoomEvent.TrackPublished, RoomEvent.TrackSubscribed] as const;
  const on = (cb: () => void) => {
    for (const event of events) room.on(event, cb);
    return () => {
      for (const event of events) room.off(event, cb);
    };
  };
  // Looked up afresh at each event: a publication found early may be unpublished and replaced
  // (the device republishes the track, e.g. when this viewer rejoined the room).
  let pub: RemoteTrackPublication | undefined;
  let subscribedByUs = false;
  const asked = new WeakSet<RemoteTrackPublication>(); // rtc-node's `subscribed` is never set
  const track = await waitUntil(
    () => {
      pub = findVideoPublication(room, identity, trackName);
      const ended = options.afterTrackSid;
      if (
        pub !== undefined &&
        ended !== undefined &&
        (pub.sid === ended || pub.track?.sid === ended)
      ) {
        pub = undefined; // the ended track, not yet removed
      }
      if (pub !== undefined && pub.track === undefined && !options.autoSubscribe) {
        if (!asked.has(pub)) {
          asked.add(pub);
          pub.setSubscribed(true);
        }
        subscribedByUs = true;
      }
      return pub?.track;
    },
    on,
    deadline,
    waitSignal,
    `a subscription to video track "${trackName}" of ${identity}`,
  );
  const subscription: VideoSubscription = new VideoSubscription(
    track,
    identity,
    trackName,
    options.queueSize ?? 4,
    () => {
      room.off(RoomEvent.TrackUnpublished, onUnpublished);
      onClosed(subscription);
      if (subscribedByUs && !roomSignal.aborted) {
        try {
          pub?.setSubscribed(false);
        } catch (error) {
          log.debug("unsubscribing video failed:", error);
        }
      }
    },
  );
  const sid = pub?.sid;
  function onUnpublished(unpublished: RemoteTrackPublication): void {
    if (unpublished.sid === sid) {
      void subscription.trackEnded();
    }
  }
  room.on(RoomEvent.TrackUnpublished, onUnpublished);
  return subscription;
}

function findVideoPublication(
  room: Room,
  identity: string,
  trackName: string,
): RemoteTrackPublication | undefined {
  const p = room.remoteParticipants.get(identity);
  for (const pub of p?.trackPublications.values() ?? []) {
    if (pub.name === trackName && pub.kind === TrackKind.KIND_VIDEO) {
      return pub;
    }
  }
  return undefined;
}

/** Our description of a remote video publication, or undefined for other kinds. */
export function remoteVideoInfo(
  pub: TrackPublication,
  p: RemoteParticipant | undefined,
): RemoteVideoTrackInfo | undefined {
  if (pub.kind !== TrackKind.KIND_VIDEO || p === undefined) {
    return undefined;
  }
  return Object.freeze({
    sid: pub.sid ?? "",
    name: pub.name ?? "",
    participantIdentity: p.identity,
  });
}
