/** A participant instance as the registry indexes and orders them. */
export interface RegisteredParticipant {
  /** LiveKit participant identity; stable across reconnects. */
  readonly identity: string;
  /** LiveKit participant session ID (`PA_…`); new for every connection instance. */
  readonly sid: string;
  /** LiveKit's join time of this connection instance, milliseconds since the Unix epoch. */
  readonly joinedAt: number;
}

/** What {@link ParticipantRegistry.register} did. */
export type RegisterOutcome<P> =
  /** The identity was new; the participant is registered. */
  | { readonly kind: "added" }
  /** An older (or equally old) instance of the identity was removed and is returned for cleanup. */
  | { readonly kind: "replaced"; readonly prior: P }
  /**
   * Nothing changed: `sameSid` = this connection is already registered; `stale` = a strictly
   * newer connection of the same identity is registered.
   */
  | { readonly kind: "ignored"; readonly reason: "sameSid" | "stale" };

/**
 * The session's participants with the registration rules of a LiveKit room, where events for
 * two connections of the same identity can arrive out of order:
 * - same SID → no-op; a strictly older `joinedAt` → no-op (stale event);
 * - an equal or newer `joinedAt` replaces the registered instance (the later event wins);
 * - removal is by SID, so a late disconnect of a replaced connection removes nothing.
 * Two indexes over the same participants: by identity (at most one instance each) and by SID.
 */
export class ParticipantRegistry<P extends RegisteredParticipant> {
  readonly #byIdentity = new Map<string, P>();
  readonly #bySid = new Map<string, P>();

  /** Number of registered participants. */
  get size(): number {
    return this.#byIdentity.size;
  }

  /**
   * The cheap pre-check before the (slow) control stream is opened: false when this connection is
   * already registered or a newer connection of the identity is.
   */
  wouldRegister(identity: string, sid: string, joinedAt: number): boolean {
    const existing = this.#byIdentity.get(identity);
    return existing === undefined || (existing.sid !== sid && existing.joinedAt <= joinedAt);
  }

  /** Registers `participant` following the rules above. The caller cleans up a replaced prior. */
  register(participant: P): RegisterOutcome<P> {
    const existing = this.#byIdentity.get(participant.identity);
    if (existing !== undefined) {
      if (existing.sid === participant.sid) {
        return { kind: "ignored", reason: "sameSid" };
      }
      if (existing.joinedAt > participant.joinedAt) {
        return { kind: "ignored", reason: "stale" };
      }
      this.removeBySid(existing.sid);
    }
    this.#byIdentity.set(participant.identity, participant);
    this.#bySid.set(participant.sid, participant);
    return existing === undefined ? { kind: "added" } : { kind: "replaced", prior: existing };
  }

  /** Removes and returns the participant with connection `sid`; undefined for a stale SID. */
  removeBySid(sid: string): P | undefined {
    const participant = this.#bySid.get(sid);
    if (participant !== undefined) {
      this.#bySid.delete(sid);
      this.#byIdentity.delete(participant.identity);
    }
    return participant;
  }

  /** The registered participant with connection `sid`; never a later instance of its identity. */
  getBySid(sid: string): P | undefined {
    return this.#bySid.get(sid);
  }

  /** The registered participant of `identity`, if any. */
  getByIdentity(identity: string): P | undefined {
    return this.#byIdentity.get(identity);
  }

  /** Removes and returns every participant (session teardown). */
  drain(): P[] {
    const all = [...this.#byIdentity.values()];
    this.#byIdentity.clear();
    this.#bySid.clear();
    return all;
  }
}
