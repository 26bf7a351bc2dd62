import { channelDropsStatusId, type Status } from "../protocol/index.js";
import type { DropReport } from "./ViewerMedia.js";

/** A channel warning idle this long (ms, 60 s) is cleared by the sweeper. */
export const CHANNEL_WARNING_QUIET_MS = 60_000;

/** Period of the channel-warning sweeper, in milliseconds (15 s). */
export const CHANNEL_WARNING_SWEEP_MS = 15_000;

const UNITS = ["KiB", "MiB", "GiB", "TiB"] as const;

/**
 * A byte count in binary units with at most two decimals and trailing zeros trimmed:
 * `512 bytes`, `1.17 KiB` (1200), `1.5 KiB`, `100 KiB`, `2 MiB`.
 */
export function formatByteSize(bytes: number): string {
  if (bytes < 1024) {
    return `${bytes} bytes`;
  }
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${Number(value.toFixed(2))} ${UNITS[unit]}`;
}

/** The warning status for a drop report, e.g. "Dropped 3 messages on topic /points: exceeds 100 KiB per-message size limit". */
export function buildDropStatus(channelId: number, topic: string, report: DropReport): Status {
  const noun = report.droppedSinceLast === 1 ? "message" : "messages";
  return {
    op: "status",
    level: 1,
    id: channelDropsStatusId(channelId),
    message:
      `Dropped ${report.droppedSinceLast} ${noun} on topic ${topic}: exceeds ` +
      `${formatByteSize(report.sizeLimit)} per-message size limit`,
  };
}

/**
 * Active `channel-drops-<id>` warnings: the latest status per channel and when it was last
 * refreshed. New data subscribers get the active one replayed; the sweeper clears warnings idle
 * for 60 s; unsubscribing viewers and channel removal retract them.
 */
export class DropWarnings {
  readonly #active = new Map<number, { status: Status; lastReportMs: number }>();
  readonly #now: () => number;

  /** @param now monotonic clock in ms (default `performance.now`). */
  constructor(now: () => number = () => performance.now()) {
    this.#now = now;
  }

  /** Stores (or refreshes) the channel's warning and returns the status to send. */
  record(channelId: number, topic: string, report: DropReport): Status {
    const status = buildDropStatus(channelId, topic, report);
    this.#active.set(channelId, { status, lastReportMs: this.#now() });
    return status;
  }

  /** The active warning of a channel (to replay to a new data subscriber), if any. */
  active(channelId: number): Status | undefined {
    return this.#active.get(channelId)?.status;
  }

  /** The status IDs of the given channels that have an active warning (for a targeted removeStatus). */
  activeIds(channelIds: Iterable<number>): string[] {
    const ids: string[] = [];
    for (const id of channelIds) {
      if (this.#active.has(id)) {
        ids.push(channelDropsStatusId(id));
      }
    }
    return ids;
  }

  /** Forgets a channel's warning; true when one was active. */
  forget(channelId: number): boolean {
    return this.#active.delete(channelId);
  }

  /** Removes warnings idle for at least `quietMs` (default 60 s) and returns their status IDs. */
  drainExpired(quietMs = CHANNEL_WARNING_QUIET_MS): string[] {
    const now = this.#now();
    const expired: string[] = [];
    for (const [id, entry] of this.#active) {
      if (now - entry.lastReportMs >= quietMs) {
        this.#active.delete(id);
        expired.push(channelDropsStatusId(id));
      }
    }
    return expired;
  }
}
