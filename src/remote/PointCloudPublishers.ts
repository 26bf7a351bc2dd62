import { log } from "../core/logger.js";
import { PointCloudTranscoder } from "../media/pointcloud/PointCloudTranscoder.js";
import { pointCloudCompressionStatusId, type Status } from "../protocol/index.js";
import type { ChannelRegistry } from "./ChannelRegistry.js";
import { CHANNEL_WARNING_QUIET_MS } from "./DropWarnings.js";
import type { ViewerKey } from "./ViewerConnection.js";
import type { DropReport, ViewerMedia } from "./ViewerMedia.js";

/** A compression warning for a channel is not repeated within this long (ms, 30 s). */
export const POINT_CLOUD_WARNING_THROTTLE_MS = 30_000;

/** What {@link PointCloudPublishers} needs from its hub. */
export interface PointCloudPublishersPorts {
  /** The hub's channel registry (compression configs and subscribers). */
  readonly channels: ChannelRegistry;
  /** Delivers a compressed message as the channel's Lossy data (the transport's `pushLossy`). */
  readonly pushLossy: ViewerMedia["pushLossy"];
  /** Announces an oversized drop of a compressed message (the hub's drop warning). */
  reportDrops(channelId: number, report: DropReport): void;
  /** Sends a message to one viewer. */
  send(key: ViewerKey, message: Status | { op: "removeStatus"; statusIds: string[] }): void;
  /** Monotonic clock in ms. */
  now(): number;
  /** Clouds of one channel encoded at once (the hub's `pointCloudEncoders`); default 1. */
  readonly encoders?: number | undefined;
}

/**
 * The point-cloud side of a hub (session.md 8.3, 8.6): one {@link PointCloudTranscoder} per
 * compressed channel while it has data subscribers, and the `point-cloud-compression-<id>`
 * warnings (sent to the channel's data subscribers at most every 30 s, replayed to new ones,
 * cleared after 60 s without a report, when the publisher stops, and for a viewer that
 * unsubscribes).
 */
export class PointCloudPublishers {
  readonly #ports: PointCloudPublishersPorts;
  readonly #publishers = new Map<number, PointCloudTranscoder>();
  readonly #warnings = new Map<number, { status: Status; lastReportMs: number }>();

  constructor(ports: PointCloudPublishersPorts) {
    this.#ports = ports;
  }

  /** Hands a logged cloud of a compressed channel to its publisher (started on first use). */
  push(channelId: number, data: Uint8Array, logTime: bigint): void {
    let publisher = this.#publishers.get(channelId);
    if (publisher === undefined) {
      const state = this.#ports.channels.get(channelId);
      if (state?.compression === undefined) {
        return;
      }
      publisher = new PointCloudTranscoder({
        topic: state.channel.topic,
        config: state.compression,
        encoders: this.#ports.encoders,
        deliver: (out, time) => this.#deliver(channelId, out, time),
        fail: (message) => this.#fail(channelId, message),
      });
      this.#publishers.set(channelId, publisher);
    }
    publisher.push(data, logTime);
  }

  /**
   * Stops the channel's publisher (last data subscriber gone, or channel removed) and clears its
   * warning; returns the status ID to retract from viewers, if a warning was active.
   */
  stop(channelId: number): string | undefined {
    this.#publishers.get(channelId)?.close();
    this.#publishers.delete(channelId);
    return this.#warnings.delete(channelId) ? pointCloudCompressionStatusId(channelId) : undefined;
  }

  /** Stops every publisher (the hub closed). */
  stopAll(): void {
    for (const id of [...this.#publishers.keys()]) this.stop(id);
    this.#warnings.clear();
  }

  /** The active warning of a channel, replayed to a new data subscriber. */
  activeWarning(channelId: number): Status | undefined {
    return this.#warnings.get(channelId)?.status;
  }

  /** Warning IDs among `channelIds`, retracted from a viewer that unsubscribed them. */
  activeIds(channelIds: Iterable<number>): string[] {
    return [...channelIds]
      .filter((id) => this.#warnings.has(id))
      .map((id) => pointCloudCompressionStatusId(id));
  }

  /** Removes warnings idle for 60 s; returns their status IDs. */
  drainExpired(): string[] {
    const now = this.#ports.now();
    const expired: string[] = [];
    for (const [id, w] of this.#warnings) {
      if (now - w.lastReportMs >= CHANNEL_WARNING_QUIET_MS) {
        this.#warnings.delete(id);
        expired.push(pointCloudCompressionStatusId(id));
      }
    }
    return expired;
  }

  /** Resolves once every running publisher is idle (tests, benchmarks). */
  async idle(): Promise<void> {
    await Promise.all([...this.#publishers.values()].map((p) => p.idle()));
  }

  #dataSubscribers(channelId: number): ViewerKey[] {
    return this.#ports.channels.dataSubscriberKeys(channelId);
  }

  #deliver(channelId: number, data: Uint8Array, logTime: bigint): void {
    const state = this.#ports.channels.get(channelId);
    if (state === undefined || this.#dataSubscribers(channelId).length === 0) {
      return;
    }
    if (state.reliability !== "lossy") {
      log.error(`compressed point cloud on reliable channel ${state.channel.topic}; dropped`);
      return;
    }
    const report = this.#ports.pushLossy(channelId, data, logTime, state.subscribers);
    if (report !== undefined) {
      this.#ports.reportDrops(channelId, report);
    }
  }

  #fail(channelId: number, message: string): void {
    const subscribers = this.#dataSubscribers(channelId);
    if (subscribers.length === 0) {
      return; // the publisher is being torn down
    }
    const now = this.#ports.now();
    const last = this.#warnings.get(channelId);
    if (last !== undefined && now - last.lastReportMs < POINT_CLOUD_WARNING_THROTTLE_MS) {
      return;
    }
    const status: Status = {
      op: "status",
      level: 1,
      message,
      id: pointCloudCompressionStatusId(channelId),
    };
    this.#warnings.set(channelId, { status, lastReportMs: now });
    log.warn(message);
    for (const key of subscribers) this.#ports.send(key, status);
  }
}
