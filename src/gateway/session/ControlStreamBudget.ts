/** One control stream counted against its sender's budget. */
export interface ControlStreamTicket {
  /** Gives the stream's place back (idempotent); call when the stream ends or is cancelled. */
  release(): void;
}

/**
 * Counts the control streams each viewer identity has open toward the device and refuses more
 * than `maxStreamsPerIdentity` at a time. With frames capped at `maxFrameSize`, what one identity
 * can make the device hold is bounded by `maxStreamsPerIdentity × maxFrameSize` (a decoder holds
 * at most one incomplete frame). {@link cancelAll} ends every stream of an identity (it left or was
 * refused), releasing what was charged to it. Pure bookkeeping: the caller passes the cancel action.
 */
export class ControlStreamBudget {
  readonly #maxStreams: number;
  readonly #open = new Map<string, Map<object, () => void>>();

  /** @param maxStreamsPerIdentity concurrent streams allowed per identity, at least 1. */
  constructor(maxStreamsPerIdentity: number) {
    this.#maxStreams = Math.max(1, Math.floor(maxStreamsPerIdentity));
  }

  /** Streams `identity` has open now. */
  count(identity: string): number {
    return this.#open.get(identity)?.size ?? 0;
  }

  /** Streams open now, over all identities. */
  get total(): number {
    let n = 0;
    for (const streams of this.#open.values()) {
      n += streams.size;
    }
    return n;
  }

  /**
   * Counts a new stream of `identity`, with how to cancel it; undefined (nothing counted) when
   * the identity already has its maximum open.
   */
  tryOpen(identity: string, cancel: () => void): ControlStreamTicket | undefined {
    const streams = this.#open.get(identity) ?? new Map<object, () => void>();
    if (streams.size >= this.#maxStreams) {
      return undefined;
    }
    const key = {};
    streams.set(key, cancel);
    this.#open.set(identity, streams);
    return {
      release: () => {
        const current = this.#open.get(identity);
        if (current?.delete(key) === true && current.size === 0) {
          this.#open.delete(identity);
        }
      },
    };
  }

  /** Cancels and releases every open stream of `identity`; returns how many there were. */
  cancelAll(identity: string): number {
    const streams = this.#open.get(identity);
    if (streams === undefined) {
      return 0;
    }
    this.#open.delete(identity);
    for (const cancel of streams.values()) {
      cancel();
    }
    return streams.size;
  }
}
