import { ParticipantCollection, type ParticipantKey } from "./ParticipantCollection.js";

/** A participant instance as the registry orders them. */
export interface RegisteredParticipant extends ParticipantKey {
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
 */
export class ParticipantRegistry<P extends RegisteredParticipant> {
  readonly #participants = new ParticipantCollection<P>();

  /** Number of registered participants. */
  get size(): number {
    return this.#participants.size;
  }

  /**
   * The cheap pre-check before the (slow) control stream is opened: false when this connection is
   * already registered or a newer connection of the identity is.
   */
  wouldRegister(identity: string, sid: string, joinedAt: number): boolean {
    const existing = this.#participants.getByIdentity(identity);
    return existing === undefined || (existing.sid !== sid && existing.joinedAt <= joinedAt);
  }

  /** Registers `participant` following the rules above. The caller cleans up a replaced prior. */
  register(participant: P): RegisterOutcome<P> {
    const existing = this.#participants.getByIdentity(participant.identity);
    if (existing !== undefined) {
      if (existing.sid === participant.sid) {
        return { kind: "ignored", reason: "sameSid" };
      }
      if (existing.joinedAt > participant.joinedAt) {
        return { kind: "ignored", reason: "stale" };
      }
      this.#participants.removeBySid(existing.sid);
      this.#participants.insert(participant);
      return { kind: "replaced", prior: existing };
    }
    this.#participants.insert(participant);
    return { kind: "added" };
  }

  /** Removes and returns the participant with connection `sid`; undefined for a stale SID. */
  removeBySid(sid: string): P | undefined {
    return this.#participants.removeBySid(sid);
  }

  /** The registered participant with connection `sid`; never a later instance of its identity. */
  getBySid(sid: string): P | undefined {
    return this.#participants.getBySid(sid);
  }

  /** The registered participant of `identity`, if any. */
  getByIdentity(identity: string): P | undefined {
    return this.#participants.getByIdentity(identity);
  }

  /** A snapshot of all registered participants. */
  values(): P[] {
    return this.#participants.values();
  }

  /** Removes and returns every participant (session teardown). */
  drain(): P[] {
    return this.#participants.drain();
  }
}
