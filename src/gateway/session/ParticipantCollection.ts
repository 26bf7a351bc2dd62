/** The minimum a participant instance needs to be indexed: who it is and which connection. */
export interface ParticipantKey {
  /** LiveKit participant identity; stable across reconnects. */
  readonly identity: string;
  /** LiveKit participant session ID (`PA_…`); new for every connection instance. */
  readonly sid: string;
}

/**
 * Two indexes over the same registered participants: by identity (at most one instance per
 * identity) and by SID. Pure bookkeeping; no policy about which instance wins (see
 * {@link ParticipantRegistry}).
 */
export class ParticipantCollection<P extends ParticipantKey> {
  readonly #byIdentity = new Map<string, P>();
  readonly #bySid = new Map<string, P>();

  /** Number of registered participants. */
  get size(): number {
    return this.#byIdentity.size;
  }

  /**
   * Adds `participant`. Returns false, and changes nothing, when its identity is already present
   * (remove the old instance first).
   */
  insert(participant: P): boolean {
    if (this.#byIdentity.has(participant.identity)) {
      return false;
    }
    this.#byIdentity.set(participant.identity, participant);
    this.#bySid.set(participant.sid, participant);
    return true;
  }

  /** The participant registered under connection `sid`, if any. */
  getBySid(sid: string): P | undefined {
    return this.#bySid.get(sid);
  }

  /** The participant registered under `identity`, if any. */
  getByIdentity(identity: string): P | undefined {
    return this.#byIdentity.get(identity);
  }

  /** Removes and returns the participant with connection `sid`; undefined when unknown. */
  removeBySid(sid: string): P | undefined {
    const participant = this.#bySid.get(sid);
    if (participant === undefined) {
      return undefined;
    }
    this.#bySid.delete(sid);
    this.#byIdentity.delete(participant.identity);
    return participant;
  }

  /** Removes every participant and returns them (e.g. to cancel and await their flush tasks). */
  drain(): P[] {
    const all = [...this.#byIdentity.values()];
    this.#byIdentity.clear();
    this.#bySid.clear();
    return all;
  }

  /** A snapshot of all registered participants (safe to mutate the collection while iterating). */
  values(): P[] {
    return [...this.#byIdentity.values()];
  }
}
