import { FfiHandle, type OwnedRemoteDataTrack } from "@livekit/rtc-ffi-bindings";
import { FoxgloveError } from "../core/FoxgloveError.js";
import { DataTrackSubscription, type DataTrackSubscribeOptions } from "./DataTrackSubscription.js";

/**
 * A data track published by another participant. Announced by the room's
 * `onDataTrackPublished` event; it stays valid until `onDataTrackUnpublished` (or the room closes).
 * Data tracks are never subscribed automatically: call {@link subscribe}.
 */
export class RemoteDataTrack {
  /** Server-assigned track id. */
  readonly sid: string;
  /** The track name, e.g. "data-ch-7". */
  readonly name: string;
  /** Identity of the publishing participant. */
  readonly publisherIdentity: string;
  #handle: FfiHandle | undefined;
  readonly #subscriptions = new Set<DataTrackSubscription>();

  /** @internal Built by LiveKitRoom from the FFI's dataTrackPublished event. */
  constructor(owned: OwnedRemoteDataTrack) {
    const id = owned.handle?.id;
    if (id === undefined) {
      throw new FoxgloveError("ERR_LIVEKIT", "LiveKit announced a data track without a handle");
    }
    this.#handle = new FfiHandle(id);
    this.sid = owned.info?.sid ?? "";
    this.name = owned.info?.name ?? "";
    this.publisherIdentity = owned.publisherIdentity ?? "";
  }

  /** False once the publisher unpublished it or the room closed. */
  get published(): boolean {
    return this.#handle !== undefined;
  }

  /**
   * Subscribes to the track's frames. Throws FoxgloveError ERR_CHANNEL_CLOSED when the track is no
   * longer published. Several subscriptions may exist at once; each gets every frame.
   */
  subscribe(options: DataTrackSubscribeOptions = {}): DataTrackSubscription {
    const handle = this.#handle;
    if (handle === undefined) {
      throw new FoxgloveError("ERR_CHANNEL_CLOSED", `data track "${this.name}" is not published`);
    }
    const sub = new DataTrackSubscription(handle.handle, this.name, options, (s) =>
      this.#subscriptions.delete(s),
    );
    if (!sub.ended) {
      this.#subscriptions.add(sub);
    }
    return sub;
  }

  /** @internal The track went away: end subscriptions and release the native handle. */
  release(): void {
    const handle = this.#handle;
    this.#handle = undefined;
    for (const sub of [...this.#subscriptions]) {
      sub.endOfTrack();
    }
    handle?.dispose();
  }
}
