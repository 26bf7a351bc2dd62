import { FoxgloveError } from "../core/FoxgloveError.js";
import { log } from "../core/logger.js";
import type { DecodedVideoFrame, LiveKitRoom, VideoSubscription } from "../livekit/index.js";
import { i420ToRgba } from "../media/i420ToRgba.js";
import { videoTrackName, type ClientMessage } from "../protocol/index.js";
import type { ViewerChannel } from "./ViewerChannel.js";
import {
  VideoFrameSubscription,
  type VideoSubscribeOptions,
  type ViewerVideoFrame,
} from "./VideoFrameSubscription.js";

/** What {@link VideoFeeds} needs from the viewer. */
export interface VideoFeedsHost {
  /** The viewer's current room (a rejoin replaces it; the reset that follows ends every feed). */
  room(): LiveKitRoom;
  /** The device's identity, once known. */
  deviceIdentity(): string | undefined;
  /** Sends a control message to the device. */
  send(message: ClientMessage): void;
}

interface Feed {
  readonly channel: ViewerChannel;
  readonly subs: Set<VideoFrameSubscription>;
  /** How long to wait for the track and its first frame, ms (the first subscription's option). */
  readonly timeoutMs: number;
  /** Ends the feed with ERR_TIMEOUT unless a frame comes first (cleared by the first frame). */
  firstFrame: NodeJS.Timeout | undefined;
  /** Aborted when the feed stops: cancels a wait for the track. */
  readonly stop: AbortController;
  stream: VideoSubscription | undefined;
  closed: boolean;
}

/**
 * The viewer's video subscriptions: per channel, one `subscribe` with `requestVideoTrack: true`
 * and one reception of the device's track `video-ch-<id>`, shared by every
 * {@link VideoFrameSubscription} of that channel; released with the last of them. A reset
 * parks the subscriptions by topic until a channel on it is advertised with a video track again.
 */
export class VideoFeeds {
  readonly #host: VideoFeedsHost;
  readonly #feeds = new Map<number, Feed>();
  /** Subscriptions whose channel went away in a reset, by topic, with their track timeout. */
  readonly #parked = new Map<string, { subs: Set<VideoFrameSubscription>; timeoutMs: number }>();

  constructor(host: VideoFeedsHost) {
    this.#host = host;
  }

  /** True while channel `id` is subscribed as video. */
  has(id: number): boolean {
    return this.#feeds.has(id);
  }

  /** True when `channel` is (or, once advertised, will be) received as video by this viewer. */
  claims(channel: ViewerChannel): boolean {
    return (
      this.#feeds.has(channel.id) || (channel.hasVideoTrack && this.#parked.has(channel.topic))
    );
  }

  /** Channel ids subscribed as video, ascending. */
  get channelIds(): number[] {
    return [...this.#feeds.keys()].sort((a, b) => a - b);
  }

  /** Adds a video subscription to `channel` (checked by the caller). */
  subscribe(channel: ViewerChannel, options: VideoSubscribeOptions): VideoFrameSubscription {
    const sub = new VideoFrameSubscription(channel, options, (s) => this.#unsubscribed(s));
    const feed =
      this.#feeds.get(channel.id) ?? this.#open(channel, new Set(), options.timeoutMs ?? 10_000);
    feed.subs.add(sub);
    const signal = options.signal;
    if (signal !== undefined) {
      if (signal.aborted) {
        sub.unsubscribe();
      } else {
        signal.addEventListener("abort", () => sub.unsubscribe(), { once: true });
      }
    }
    return sub;
  }

  /** Subscribes to `channel`'s video at the device and starts receiving its track. */
  #open(channel: ViewerChannel, subs: Set<VideoFrameSubscription>, timeoutMs: number): Feed {
    const feed: Feed = {
      channel,
      subs,
      timeoutMs,
      stop: new AbortController(),
      stream: undefined,
      closed: false,
      firstFrame: undefined,
    };
    // The device publishes the track on subscription, before it has logged an image: the wait
    // ends at the first frame, not at the track.
    feed.firstFrame = setTimeout(() => {
      this.#abandon(
        feed,
        new FoxgloveError("ERR_TIMEOUT", `no frame of ${channel.topic} within ${timeoutMs} ms`),
      );
    }, timeoutMs).unref();
    this.#feeds.set(channel.id, feed);
    this.#host.send({ op: "subscribe", channels: [{ id: channel.id, requestVideoTrack: true }] });
    void this.#receive(feed);
    return feed;
  }

  /**
   * The device's channels are forgotten (a reset: the viewer rejoined, or the device opened a
   * new control stream): stop receiving and park every subscription by its channel's topic.
   */
  reset(): void {
    for (const feed of [...this.#feeds.values()]) {
      this.#park(feed);
    }
  }

  #park(feed: Feed): void {
    this.#feeds.delete(feed.channel.id);
    this.#stop(feed);
    const parked = this.#parked.get(feed.channel.topic);
    if (parked === undefined) {
      this.#parked.set(feed.channel.topic, { subs: feed.subs, timeoutMs: feed.timeoutMs });
    } else {
      feed.subs.forEach((sub) => parked.subs.add(sub));
    }
  }

  /** Channels were advertised: parked subscriptions of their topics carry on with them. */
  channelsAdvertised(channels: readonly ViewerChannel[]): void {
    for (const channel of channels) {
      const parked = this.#parked.get(channel.topic);
      if (parked === undefined || !channel.hasVideoTrack || this.#feeds.has(channel.id)) {
        continue;
      }
      this.#parked.delete(channel.topic);
      for (const sub of parked.subs) {
        sub.rebind(channel);
      }
      this.#open(channel, parked.subs, parked.timeoutMs);
    }
  }

  /** The channels are gone (unadvertised): their subscriptions end; nothing is sent. */
  channelsGone(ids: readonly number[]): void {
    for (const id of ids) {
      this.#end(id, undefined);
    }
  }

  /** Ends every video subscription, parked ones too (viewer close), with `error` if given. */
  endAll(error?: FoxgloveError): void {
    for (const id of [...this.#feeds.keys()]) {
      this.#end(id, error);
    }
    const parked = [...this.#parked.values()];
    this.#parked.clear();
    for (const { subs } of parked) {
      for (const sub of subs) {
        sub.end(error);
      }
    }
  }

  #end(id: number, error: FoxgloveError | undefined): void {
    const feed = this.#feeds.get(id);
    if (feed === undefined) {
      return;
    }
    this.#feeds.delete(id);
    this.#stop(feed);
    for (const sub of feed.subs) {
      sub.end(error);
    }
  }

  #unsubscribed(sub: VideoFrameSubscription): void {
    const parked = this.#parked.get(sub.channel.topic);
    if (parked?.subs.delete(sub) === true) {
      if (parked.subs.size === 0) {
        this.#parked.delete(sub.channel.topic);
      }
      return;
    }
    const feed = this.#feeds.get(sub.channel.id);
    if (feed === undefined || !feed.subs.delete(sub) || feed.subs.size > 0) {
      return;
    }
    this.#feeds.delete(sub.channel.id);
    this.#stop(feed);
    this.#host.send({ op: "unsubscribe", channelIds: [sub.channel.id] });
  }

  #stop(feed: Feed): void {
    clearTimeout(feed.firstFrame);
    feed.closed = true;
    feed.stop.abort();
    void feed.stream?.close();
  }

  async #receive(feed: Feed): Promise<void> {
    const name = videoTrackName(feed.channel.id);
    try {
      const device = this.#host.deviceIdentity();
      if (device === undefined) {
        throw new FoxgloveError("ERR_VALUE", "the device is not known yet");
      }
      // The device may unpublish the track and publish it again (for larger frames): a track
      // that ends is waited for again, for up to timeoutMs.
      let ended: string | undefined;
      for (;;) {
        const stream = await this.#host.room().subscribeVideo(device, name, {
          queueSize: 2,
          timeoutMs: feed.timeoutMs,
          signal: feed.stop.signal,
          ...(ended === undefined ? {} : { afterTrackSid: ended }),
        });
        ended = stream.trackSid;
        feed.stream = stream;
        if (feed.closed) {
          await stream.close();
          return;
        }
        for await (const frame of stream) {
          this.#deliver(feed, frame);
        }
        if (feed.closed || this.#lostRoom(feed)) {
          return;
        }
      }
    } catch (error) {
      if (feed.closed || this.#lostRoom(feed)) {
        return;
      }
      log.debug(`video of channel ${feed.channel.id} failed:`, error);
      const failure =
        error instanceof FoxgloveError
          ? error
          : new FoxgloveError("ERR_LIVEKIT", `receiving ${name} failed: ${String(error)}`, {
              cause: error,
            });
      this.#abandon(feed, failure);
    }
  }

  /**
   * When the track ended because our room closed (the viewer lost its connection), parks the
   * feed and returns true: a rejoin resets and re-advertises the channels (the subscriptions carry
   * on), a close ends them.
   */
  #lostRoom(feed: Feed): boolean {
    if (this.#host.room().connected || this.#feeds.get(feed.channel.id) !== feed) {
      return false;
    }
    this.#park(feed);
    return true;
  }

  /** Ends a feed whose track failed or went away, and releases its subscription at the device. */
  #abandon(feed: Feed, error: FoxgloveError | undefined): void {
    if (this.#feeds.get(feed.channel.id) !== feed) {
      return;
    }
    this.#end(feed.channel.id, error);
    this.#host.send({ op: "unsubscribe", channelIds: [feed.channel.id] });
  }

  #deliver(feed: Feed, frame: DecodedVideoFrame): void {
    clearTimeout(feed.firstFrame);
    feed.firstFrame = undefined;
    let rgba: Uint8Array | undefined;
    for (const sub of feed.subs) {
      const asRgba = sub.format === "rgba" && frame.format === "i420";
      if (asRgba) {
        rgba ??= i420ToRgba(frame.data, frame.width, frame.height);
      }
      const out: ViewerVideoFrame = {
        channel: feed.channel,
        width: frame.width,
        height: frame.height,
        timestampUs: frame.timestampUs,
        format: asRgba ? "rgba" : "i420",
        data: asRgba ? rgba! : frame.data,
      };
      sub.deliver(out);
    }
  }
}
