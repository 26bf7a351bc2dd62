import type { DropReport } from "./DropReport.js";

/**
 * The media side of a session, implemented by the LiveKit shell (data tracks, video tracks).
 * Every method is synchronous and must not throw; asynchronous work (publishing, unpublishing)
 * runs in the background.
 */
export interface SessionDataPlane {
  /** A Lossy channel was advertised: publish its data track `data-ch-<id>` (retrying). */
  openDataTrack(channelId: number): void;
  /** The channel was removed: stop retries and unpublish its data track. */
  closeDataTrack(channelId: number): void;
  /**
   * Sends a message on the channel's data track (size cap, sequence, try-push). Returns a drop
   * report when an oversized drop should be announced to viewers.
   */
  pushLossy(channelId: number, data: Uint8Array, logTime: bigint): DropReport | undefined;
  /** The channel got its first video subscriber: start its video publisher. */
  startVideo?(channelId: number): void;
  /** The channel lost its last video subscriber or was removed: stop its video publisher. */
  stopVideo?(channelId: number): void;
  /** Offers a message to the channel's video publisher, if one is running. */
  pushVideo?(channelId: number, data: Uint8Array, logTime: bigint): void;
}

/** A data plane that publishes nothing (lossy messages vanish): for sessions without media. */
export const NO_DATA_PLANE: SessionDataPlane = {
  openDataTrack: () => undefined,
  closeDataTrack: () => undefined,
  pushLossy: () => undefined,
};
