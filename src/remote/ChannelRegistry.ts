import type { ViewerKey } from "./ViewerConnection.js";
import type { AdvertisedChannel, ServerAdvertise } from "../protocol/index.js";
import type { ChannelPlan } from "./planChannels.js";
import type { Reliability } from "./planChannels.js";
import type { ChannelDescriptor } from "../core/ChannelDescriptor.js";
import { advertisedChannelMetadata, type VideoMetadata } from "./channelMetadata.js";
import type { VideoInputSchema } from "../media/videoInputSchema.js";
import {
  rewritePointCloudAdvertisement,
  type PointCloudCompressionConfig,
} from "../media/pointcloud/pointCloudCompression.js";

/** The session's view of one advertised channel. Subscriber sets hold viewer viewer keys. */
export interface ChannelState {
  readonly channel: ChannelDescriptor;
  readonly reliability: Reliability;
  readonly videoSchema: VideoInputSchema | undefined;
  /** Set after the first transcoded frame; kept until the channel is removed. */
  readonly videoMetadata: VideoMetadata | undefined;
  /** Every subscribed viewer key, data or video. */
  readonly subscribers: ReadonlySet<ViewerKey>;
  /** viewer keys that asked for the video track (a subset of `subscribers`). */
  readonly videoSubscribers: ReadonlySet<ViewerKey>;
  /** Set when the channel's point clouds are compressed (advertised as CompressedPointCloud). */
  readonly compression: PointCloudCompressionConfig | undefined;
}

/** One requested subscription (`subscribe` message entry). */
export interface SubscriptionRequest {
  readonly id: number;
  readonly requestVideoTrack?: boolean | undefined;
}

/** What a subscribe changed, for the session to act on (Context, video, callbacks, statuses). */
export interface SubscribeChanges {
  /** Channels that got their first subscriber of any kind: subscribe them in the Context. */
  readonly firstSubscribed: ChannelDescriptor[];
  /** Channels this viewer was not subscribed to before (→ onSubscribe; replay warnings if data). */
  readonly newlySubscribed: { readonly channel: ChannelDescriptor; readonly video: boolean }[];
  /** Channels that got their first video subscriber: start their video track. */
  readonly firstVideo: number[];
  /** Channels that lost their last video subscriber (switch to data): stop their video track. */
  readonly lastVideo: number[];
  /** IDs where video was requested on a channel that cannot transcode: not subscribed. */
  readonly videoUnsupported: number[];
  /** IDs of channels that are not advertised: ignored. */
  readonly unknown: number[];
}

/** What an unsubscribe (or a viewer's removal) changed. */
export interface UnsubscribeChanges {
  /** Channels that lost their last subscriber of any kind: unsubscribe them in the Context. */
  readonly lastUnsubscribed: ChannelDescriptor[];
  /** Channels this viewer was actually unsubscribed from (→ onUnsubscribe, removeStatus). */
  readonly unsubscribed: ChannelDescriptor[];
  /** Channels that lost their last video subscriber: stop their video track. */
  readonly lastVideo: number[];
}

interface Entry {
  channel: ChannelDescriptor;
  compression: PointCloudCompressionConfig | undefined;
  schemaText: string;
  reliability: Reliability;
  videoSchema: VideoInputSchema | undefined;
  videoMetadata: VideoMetadata | undefined;
  subscribers: Set<ViewerKey>;
  videoSubscribers: Set<ViewerKey>;
}

/**
 * The session's channel and subscription bookkeeping (pure, synchronous): advertised channels with
 * their QoS, video schema and video metadata; per channel the subscribed viewer viewer keys (data or
 * video). Every mutation returns exactly what changed so the caller can apply the side effects
 * (Context subscriptions, video tracks, listener callbacks) after it.
 */
export class ChannelRegistry {
  readonly #entries = new Map<number, Entry>();

  /** Number of advertised channels. */
  get size(): number {
    return this.#entries.size;
  }

  /** Records an advertised channel. False (no change) when its ID is already present. */
  insert(plan: ChannelPlan): boolean {
    if (this.#entries.has(plan.channel.id)) {
      return false;
    }
    this.#entries.set(plan.channel.id, {
      channel: plan.channel,
      compression: plan.compression,
      schemaText: plan.schemaText,
      reliability: plan.reliability,
      videoSchema: plan.videoSchema,
      videoMetadata: undefined,
      subscribers: new Set(),
      videoSubscribers: new Set(),
    });
    return true;
  }

  /**
   * Forgets a channel with all its state. Returns the channel and the viewer keys that were subscribed
   * (to fire onUnsubscribe), or undefined when it was not advertised.
   */
  remove(id: number): { channel: ChannelDescriptor; subscribers: ViewerKey[] } | undefined {
    const entry = this.#entries.get(id);
    if (entry === undefined) {
      return undefined;
    }
    this.#entries.delete(id);
    return { channel: entry.channel, subscribers: [...entry.subscribers] };
  }

  /** The state of an advertised channel (a live read-only view), or undefined. */
  get(id: number): ChannelState | undefined {
    return this.#entries.get(id);
  }

  /** The QoS of a channel; Lossy when unknown. */
  reliability(id: number): Reliability {
    return this.#entries.get(id)?.reliability ?? "lossy";
  }

  /** Every advertised channel in advertisement order. */
  channels(): ChannelDescriptor[] {
    return [...this.#entries.values()].map((e) => e.channel);
  }

  /** The metadata the session advertises for channel `id` (own + session keys), or undefined. */
  advertisedMetadata(id: number): Record<string, string> | undefined {
    const e = this.#entries.get(id);
    return e === undefined
      ? undefined
      : advertisedChannelMetadata(e.channel.metadata, {
          reliability: e.reliability,
          hasVideoTrack: e.videoSchema !== undefined,
          video: e.videoMetadata,
        });
  }

  /** The wire form of channel `id` with the session's metadata, or undefined when unknown. */
  advertisedChannel(id: number): AdvertisedChannel | undefined {
    const e = this.#entries.get(id);
    if (e === undefined) {
      return undefined;
    }
    const { channel } = e;
    const out: AdvertisedChannel = {
      id: channel.id,
      topic: channel.topic,
      encoding: channel.messageEncoding,
      schemaName: channel.schema?.name ?? "",
      schema: e.schemaText,
    };
    if (channel.schema !== undefined) {
      out.schemaEncoding = channel.schema.encoding;
    }
    const metadata = this.advertisedMetadata(id)!;
    if (Object.keys(metadata).length > 0) {
      out.metadata = metadata;
    }
    return e.compression === undefined ? out : rewritePointCloudAdvertisement(out);
  }

  /**
   * One `advertise` for the given channel IDs (default: every channel, as in a join snapshot);
   * unknown IDs are skipped. Undefined when no channel remains (nothing to send).
   */
  advertise(ids?: Iterable<number>): ServerAdvertise | undefined {
    const channels: AdvertisedChannel[] = [];
    for (const id of ids ?? this.#entries.keys()) {
      const c = this.advertisedChannel(id);
      if (c !== undefined) {
        channels.push(c);
      }
    }
    return channels.length === 0 ? undefined : { op: "advertise", channels };
  }

  /** Stores what the video pipeline learned. False when the channel is gone. */
  setVideoMetadata(id: number, metadata: VideoMetadata): boolean {
    const e = this.#entries.get(id);
    if (e === undefined) {
      return false;
    }
    e.videoMetadata = metadata;
    return true;
  }

  /** Clears stored video metadata (the channel stays video-capable). */
  clearVideoMetadata(id: number): void {
    const e = this.#entries.get(id);
    if (e !== undefined) {
      e.videoMetadata = undefined;
    }
  }

  /** viewer keys subscribed to a channel (data or video); empty when unknown. */
  subscriberKeys(id: number): ViewerKey[] {
    const e = this.#entries.get(id);
    return e === undefined ? [] : [...e.subscribers];
  }

  /** viewer keys subscribed to a channel without video; empty when unknown. */
  dataSubscriberKeys(id: number): ViewerKey[] {
    const e = this.#entries.get(id);
    return e === undefined ? [] : [...e.subscribers].filter((s) => !e.videoSubscribers.has(s));
  }

  /** Number of data (non-video) subscribers of a channel; 0 when unknown. Allocation-free. */
  dataSubscriberCount(id: number): number {
    const e = this.#entries.get(id);
    return e === undefined ? 0 : e.subscribers.size - e.videoSubscribers.size;
  }

  /**
   * Subscribes viewer `key`. For a repeated ID the last request wins. Requesting video on a
   * channel without a video schema rejects that entry; unknown IDs are ignored. Re-subscribing
   * with a different video choice only moves the viewer between data and video.
   */
  subscribe(key: ViewerKey, requests: readonly SubscriptionRequest[]): SubscribeChanges {
    const changes: SubscribeChanges = {
      firstSubscribed: [],
      newlySubscribed: [],
      firstVideo: [],
      lastVideo: [],
      videoUnsupported: [],
      unknown: [],
    };
    const wanted = new Map<number, boolean>();
    for (const r of requests) {
      wanted.set(r.id, r.requestVideoTrack === true);
    }
    for (const [id, video] of wanted) {
      const e = this.#entries.get(id);
      if (e === undefined) {
        changes.unknown.push(id);
        continue;
      }
      if (video && e.videoSchema === undefined) {
        changes.videoUnsupported.push(id);
        continue;
      }
      if (!e.subscribers.has(key)) {
        if (e.subscribers.size === 0) {
          changes.firstSubscribed.push(e.channel);
        }
        e.subscribers.add(key);
        changes.newlySubscribed.push({ channel: e.channel, video });
      }
      if (video && !e.videoSubscribers.has(key)) {
        e.videoSubscribers.add(key);
        if (e.videoSubscribers.size === 1) {
          changes.firstVideo.push(id);
        }
      } else if (!video && e.videoSubscribers.delete(key) && e.videoSubscribers.size === 0) {
        changes.lastVideo.push(id);
      }
    }
    return changes;
  }

  /** Unsubscribes viewer `key` from `ids`; IDs it was not subscribed to are ignored. */
  unsubscribe(key: ViewerKey, ids: Iterable<number>): UnsubscribeChanges {
    const changes: UnsubscribeChanges = { lastUnsubscribed: [], unsubscribed: [], lastVideo: [] };
    for (const id of new Set(ids)) {
      const e = this.#entries.get(id);
      if (e !== undefined) {
        this.#drop(e, key, changes);
      }
    }
    return changes;
  }

  /** Removes viewer `key` from every channel (viewer left or was replaced). */
  removeSubscriber(key: ViewerKey): UnsubscribeChanges {
    const changes: UnsubscribeChanges = { lastUnsubscribed: [], unsubscribed: [], lastVideo: [] };
    for (const e of this.#entries.values()) {
      this.#drop(e, key, changes);
    }
    return changes;
  }

  #drop(e: Entry, key: ViewerKey, changes: UnsubscribeChanges): void {
    if (!e.subscribers.delete(key)) {
      return;
    }
    changes.unsubscribed.push(e.channel);
    if (e.subscribers.size === 0) {
      changes.lastUnsubscribed.push(e.channel);
    }
    if (e.videoSubscribers.delete(key) && e.videoSubscribers.size === 0) {
      changes.lastVideo.push(e.channel.id);
    }
  }
}
