import type { ViewerKey } from "./ViewerConnection.js";
/**
 * Channels advertised by viewers (client publish), keyed by the viewer's viewer key and the
 * client-chosen channel ID (u32, unique per viewer only).
 */
export class ClientChannels<C extends { readonly id: number }> {
  readonly #byViewer = new Map<ViewerKey, Map<number, C>>();

  /** Stores `channel` for viewer `key`. False (no change) when that ID is already advertised. */
  insert(key: ViewerKey, channel: C): boolean {
    let channels = this.#byViewer.get(key);
    if (channels === undefined) {
      channels = new Map();
      this.#byViewer.set(key, channels);
    }
    if (channels.has(channel.id)) {
      return false;
    }
    channels.set(channel.id, channel);
    return true;
  }

  /** The channel `id` advertised by viewer `key`, if any. */
  get(key: ViewerKey, id: number): C | undefined {
    return this.#byViewer.get(key)?.get(id);
  }

  /** Removes and returns channel `id` of viewer `key`; undefined when unknown. */
  remove(key: ViewerKey, id: number): C | undefined {
    const channels = this.#byViewer.get(key);
    const channel = channels?.get(id);
    if (channel !== undefined) {
      channels!.delete(id);
      if (channels!.size === 0) {
        this.#byViewer.delete(key);
      }
    }
    return channel;
  }

  /** Removes and returns every channel of viewer `key` (viewer left → onClientUnadvertise each). */
  removeAll(key: ViewerKey): C[] {
    const channels = this.#byViewer.get(key);
    this.#byViewer.delete(key);
    return channels === undefined ? [] : [...channels.values()];
  }

  /** True when viewer `key` has advertised channels. */
  has(key: ViewerKey): boolean {
    return this.#byViewer.has(key);
  }
}
