import type { RemoteParticipantInfo } from "./RemoteParticipantInfo.js";

/** A participant lifecycle change derived from LiveKit's events. */
export type ParticipantEvent =
  | { readonly type: "connected"; readonly participant: RemoteParticipantInfo }
  | { readonly type: "active"; readonly participant: RemoteParticipantInfo }
  | { readonly type: "disconnected"; readonly participant: RemoteParticipantInfo };

interface Entry {
  info: RemoteParticipantInfo;
  announcedActive: boolean;
}

/**
 * Pure bookkeeping of the remote participants of one room. Feed it LiveKit's participant events in
 * order; each method returns the events to emit. It synthesizes "active" (which rtc-node drops)
 * exactly once per connection instance (identity + sid), whether LiveKit reports it with an explicit
 * ParticipantActive, with a state update, or the participant was already active when we joined;
 * and it emits "disconnected" for an older instance replaced by a newer one of the same identity.
 */
export class ParticipantRegistry {
  readonly #entries = new Map<string, Entry>();

  /** The current snapshot of `identity`, if present. */
  get(identity: string): RemoteParticipantInfo | undefined {
    return this.#entries.get(identity)?.info;
  }

  /** Snapshots of everyone present, in join order. */
  list(): RemoteParticipantInfo[] {
    return [...this.#entries.values()].map((e) => e.info);
  }

  /** True when "active" was already emitted for the current instance of `identity`. */
  isActive(identity: string): boolean {
    return this.#entries.get(identity)?.announcedActive ?? false;
  }

  /** A participant joined (or was present when we joined). Emits "active" too if it already is. */
  connected(info: RemoteParticipantInfo): ParticipantEvent[] {
    const out: ParticipantEvent[] = [];
    const existing = this.#entries.get(info.identity);
    if (existing !== undefined) {
      if (existing.info.sid === info.sid) {
        return this.updated([info]);
      }
      out.push(...this.disconnected(info.identity, "DUPLICATE_IDENTITY"));
    }
    const entry: Entry = { info: freeze(info), announcedActive: false };
    this.#entries.set(info.identity, entry);
    out.push({ type: "connected", participant: entry.info });
    if (info.state === "active") {
      entry.announcedActive = true;
      out.push({ type: "active", participant: entry.info });
    }
    return out;
  }

  /** LiveKit reported ParticipantActive for `identity`. */
  active(identity: string): ParticipantEvent[] {
    const entry = this.#entries.get(identity);
    if (entry === undefined || entry.announcedActive) {
      return [];
    }
    entry.info = freeze({ ...entry.info, state: "active" });
    entry.announcedActive = true;
    return [{ type: "active", participant: entry.info }];
  }

  /** Fresh participant info (state, attributes, name); may complete the "active" transition. */
  updated(infos: readonly RemoteParticipantInfo[]): ParticipantEvent[] {
    const out: ParticipantEvent[] = [];
    for (const info of infos) {
      const entry = this.#entries.get(info.identity);
      if (entry === undefined || entry.info.sid !== info.sid || info.state === "disconnected") {
        continue; // Joins and leaves arrive as their own events.
      }
      entry.info = freeze({ ...info, state: entry.announcedActive ? "active" : info.state });
      if (info.state === "active" && !entry.announcedActive) {
        entry.announcedActive = true;
        out.push({ type: "active", participant: entry.info });
      }
    }
    return out;
  }

  /** `identity` left; `reason` is LiveKit's disconnect reason name. */
  disconnected(identity: string, reason?: string): ParticipantEvent[] {
    const entry = this.#entries.get(identity);
    if (entry === undefined) {
      return [];
    }
    this.#entries.delete(identity);
    const info = freeze({
      ...entry.info,
      state: "disconnected",
      ...(reason !== undefined ? { disconnectReason: reason } : {}),
    });
    return [{ type: "disconnected", participant: info }];
  }

  /** Forgets everyone (the room closed); emits nothing. */
  clear(): void {
    this.#entries.clear();
  }
}

function freeze(info: RemoteParticipantInfo): RemoteParticipantInfo {
  return Object.freeze({ ...info, attributes: Object.freeze({ ...info.attributes }) });
}
