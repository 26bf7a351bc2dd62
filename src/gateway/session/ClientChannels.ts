/**
 * Channels advertised by viewers (client publish), keyed by the viewer's SID and the
 * client-chosen channel ID (u32, unique per viewer only).
 */
export class ClientChannels<C extends { readonly id: number }> {
  readonly #bySid = new Map<string, Map<number, C>>();

  /** Stores `channel` for viewer `sid`. False (no change) when that ID is already advertised. */
  insert(sid: string, channel: C): boolean {
    let channels = this.#bySid.get(sid);
    if (channels === undefined) {
      channels = new Map();
      this.#bySid.set(sid, channels);
    }
    if (channels.has(channel.id)) {
      return false;
    }
    channels.set(channel.id, channel);
    return true;
  }

  /** The channel `id` advertised by viewer `sid`, if any. */
  get(sid: string, id: number): C | undefined {
    return this.#bySid.get(sid)?.get(id);
  }

  /** Removes and returns channel `id` of viewer `sid`; undefined when unknown. */
  remove(sid: string, id: number): C | undefined {
    const channels = this.#bySid.get(sid);
    const channel = channels?.get(id);
    if (channel !== undefined) {
      channels!.delete(id);
      if (channels!.size === 0) {
        this.#bySid.delete(sid);
      }
    }
    return channel;
  }

  /** Removes and returns every channel of viewer `sid` (viewer left → onClientUnadvertise each). */
  removeAll(sid: string): C[] {
    const channels = this.#bySid.get(sid);
    this.#bySid.delete(sid);
    return channels === undefined ? [] : [...channels.values()];
  }

  /** True when viewer `sid` has advertised channels. */
  has(sid: string): boolean {
    return this.#bySid.has(sid);
  }
}
