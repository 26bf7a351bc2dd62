/**
 * The set of viewer connections (by SID) that must be reset, filled by flush tasks and overflowing
 * queues and drained by the single driver of participant changes (the room-event loop). A reset
 * requested for a SID that is no longer registered is stale and skipped by the driver.
 */
export class PendingResets {
  readonly #sids = new Set<string>();
  readonly #notify: (() => void) | undefined;

  /** @param notify called (synchronously) whenever a SID is added, to wake the driver. */
  constructor(notify?: () => void) {
    this.#notify = notify;
  }

  /** Number of SIDs waiting. */
  get size(): number {
    return this.#sids.size;
  }

  /** True when `sid` is waiting for a reset. */
  has(sid: string): boolean {
    return this.#sids.has(sid);
  }

  /** Requests a reset of connection `sid` (idempotent until drained). */
  request(sid: string): void {
    this.#sids.add(sid);
    this.#notify?.();
  }

  /** Returns and forgets every waiting SID, in request order. */
  drain(): string[] {
    const sids = [...this.#sids];
    this.#sids.clear();
    return sids;
  }
}
