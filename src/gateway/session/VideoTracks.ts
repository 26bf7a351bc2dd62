import type { Encoder } from "../../core/Encoder.js";
import { log } from "../../core/logger.js";
import { videoTrackName } from "../../protocol/index.js";
import type { VideoSourceInfo } from "../../media/transcodeImage.js";
import type { VideoInputSchema } from "../../media/videoInputSchema.js";
import { VideoPublisher, type VideoTrackSink } from "../../media/VideoPublisher.js";

/** Options of {@link VideoTracks}. */
export interface VideoTracksOptions {
  /** Publishes the video track `name` (`video-ch-<id>`) for frames of `size`. */
  readonly publish: (
    name: string,
    size: { width: number; height: number },
  ) => Promise<VideoTrackSink>;
  /** A channel's first transcoded frame (or a change) revealed its source. */
  readonly onSource: (channelId: number, source: VideoSourceInfo) => void;
}

/**
 * The session's video tracks: one {@link VideoPublisher} per channel while it has a video
 * subscriber (started and stopped by the hub through `ViewerMedia`). Stopping is immediate for
 * new frames; unpublishing finishes in the background ({@link closeAll} waits for it).
 */
export class VideoTracks {
  readonly #options: VideoTracksOptions;
  readonly #publishers = new Map<number, VideoPublisher>();
  readonly #closing = new Set<Promise<void>>();
  /** The close of each channel's last stopped publisher, while it runs. */
  readonly #closingByChannel = new Map<number, Promise<void>>();

  constructor(options: VideoTracksOptions) {
    this.#options = options;
  }

  /** Starts the channel's publisher (no-op when running). */
  start(channelId: number, schema: VideoInputSchema): void {
    if (this.#publishers.has(channelId)) {
      return;
    }
    const name = videoTrackName(channelId);
    // A viewer that toggles its subscription gets one track of the channel at a time, and a
    // publisher stopped before its turn never publishes.
    const after = this.#closingByChannel.get(channelId);
    this.#publishers.set(
      channelId,
      new VideoPublisher({
        name,
        schema,
        ...(after === undefined ? {} : { after }),
        publish: (size) => this.#options.publish(name, size),
        onSource: (source) => this.#options.onSource(channelId, source),
      }),
    );
  }

  /** Stops the channel's publisher and unpublishes its track in the background. */
  stop(channelId: number): void {
    const publisher = this.#publishers.get(channelId);
    if (publisher === undefined) {
      return;
    }
    this.#publishers.delete(channelId);
    const closing = publisher.close().catch((e: unknown) => log.debug("closing video failed:", e));
    this.#closing.add(closing);
    this.#closingByChannel.set(channelId, closing);
    void closing.then(() => {
      this.#closing.delete(closing);
      if (this.#closingByChannel.get(channelId) === closing)
        this.#closingByChannel.delete(channelId);
    });
  }

  /** Offers a logged message to the channel's publisher (copied; never blocks). */
  push(channelId: number, data: Uint8Array, logTime: bigint): void {
    this.#publishers.get(channelId)?.push(data, logTime);
  }

  /**
   * Offers a message as logged, before encoding, to the channel's publisher: true when taken or
   * when no publisher runs, false when it must come as bytes ({@link push}).
   */
  pushMessage(
    channelId: number,
    message: unknown,
    encoder: Encoder<unknown>,
    logTime: bigint,
  ): boolean {
    return this.#publishers.get(channelId)?.pushMessage(message, encoder, logTime) ?? true;
  }

  /** Stops every publisher and waits until all tracks are unpublished. */
  async closeAll(): Promise<void> {
    for (const id of [...this.#publishers.keys()]) {
      this.stop(id);
    }
    await Promise.all([...this.#closing]);
  }
}
