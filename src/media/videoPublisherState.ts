/**
 * The decisions of a video publisher as a pure state machine: a latest-frame-wins hand-off from
 * `log()` to one conversion at a time, and the track's publish / unpublish lifecycle, including
 * a close that races an in-flight publish. The track is published on `start` (the channel's first
 * video subscriber, spec §7.5) for a nominal size, or, when never started, once the first frame
 * is converted, with that frame's size. LiveKit sizes the track's encodings (bitrate) from it, so
 * a frame larger than the track was published for (wider or taller) has the track published again
 * for its size (smaller frames are sent as they are). The shell ({@link VideoPublisher}) performs
 * the commands and feeds back the events.
 */

/** A logged message waiting to be converted. `M` is opaque here. */
export interface PendingFrame<M> {
  readonly message: M;
  readonly logTimeNs: bigint;
}

/** The publisher's memory. Treat as opaque outside this module and its tests. */
export interface VideoPublisherState<M> {
  /**
   * waiting: for `start` or the first converted frame; publishing: publish in flight; live: track
   * published; failed: publish failed; closed.
   */
  readonly track: "waiting" | "publishing" | "live" | "failed" | "closed";
  /** A conversion is running. */
  readonly converting: boolean;
  /** The newest frame not yet converted (older ones were dropped). */
  readonly pending: PendingFrame<M> | undefined;
  /** Frames replaced by a newer one before conversion. */
  readonly dropped: number;
  /** Source description last reported (compared as `encoding\0frameId`). */
  readonly source: string | undefined;
  /** The frame size the track is (being) published for. */
  readonly size: { readonly width: number; readonly height: number } | undefined;
  /**
   * The size of a frame converted while the publish was in flight that is larger than
   * {@link size}: the track is published again for it once the publish lands.
   */
  readonly outgrown: { readonly width: number; readonly height: number } | undefined;
}

/** What happened. */
export type VideoPublisherEvent<M> =
  /** Publish the track now, for frames of about this size (before any frame is converted). */
  | { readonly kind: "start"; readonly width: number; readonly height: number }
  | { readonly kind: "frame"; readonly frame: PendingFrame<M> }
  | {
      readonly kind: "converted";
      readonly source: { sourceEncoding: string; frameId: string };
      readonly width: number;
      readonly height: number;
    }
  /** The conversion produced nothing to send (bad image, too small). */
  | { readonly kind: "convertFailed" }
  | { readonly kind: "published" }
  | { readonly kind: "publishFailed" }
  | { readonly kind: "close" };

/** What the shell must do, in order. */
export type VideoPublisherCommand<M> =
  /** Start converting this frame; answer with `converted` or `convertFailed`. */
  | { readonly kind: "convert"; readonly frame: PendingFrame<M> }
  /** Publish the track for frames of this size; answer with `published` or `publishFailed`. */
  | { readonly kind: "publish"; readonly width: number; readonly height: number }
  /**
   * Unpublish the live track, then publish it again for frames of this size; answer with
   * `published` or `publishFailed`.
   */
  | { readonly kind: "republish"; readonly width: number; readonly height: number }
  /** Hand the last converted frame to the track. */
  | { readonly kind: "capture" }
  /** Report a new source description (first frame, or a change). */
  | { readonly kind: "reportSource" }
  /** Unpublish the track (it is published, or its publish just completed after a close). */
  | { readonly kind: "unpublish" };

/** The state of a new publisher: no track yet. */
export function initialVideoPublisherState<M>(): VideoPublisherState<M> {
  return {
    track: "waiting",
    converting: false,
    pending: undefined,
    dropped: 0,
    source: undefined,
    size: undefined,
    outgrown: undefined,
  };
}

/** Applies `event`; returns the new state and the commands to carry out. */
export function stepVideoPublisher<M>(
  state: VideoPublisherState<M>,
  event: VideoPublisherEvent<M>,
): { state: VideoPublisherState<M>; commands: VideoPublisherCommand<M>[] } {
  const commands: VideoPublisherCommand<M>[] = [];
  switch (event.kind) {
    case "start": {
      if (state.track !== "waiting") {
        return { state, commands };
      }
      const size = { width: event.width, height: event.height };
      commands.push({ kind: "publish", ...size });
      return { state: { ...state, track: "publishing", size }, commands };
    }
    case "frame": {
      if (state.track === "closed") {
        return { state, commands };
      }
      if (state.converting) {
        const dropped = state.dropped + (state.pending === undefined ? 0 : 1);
        return { state: { ...state, pending: event.frame, dropped }, commands };
      }
      commands.push({ kind: "convert", frame: event.frame });
      return { state: { ...state, converting: true }, commands };
    }
    case "converted":
    case "convertFailed": {
      let next: VideoPublisherState<M> = { ...state, converting: false };
      if (event.kind === "converted" && state.track !== "closed") {
        const size = { width: event.width, height: event.height };
        const grew =
          state.size !== undefined &&
          (size.width > state.size.width || size.height > state.size.height);
        if (state.track === "live" && grew) {
          commands.push({ kind: "republish", ...size });
          next = { ...next, track: "publishing", size };
        } else if (state.track === "live") {
          commands.push({ kind: "capture" });
        } else if (state.track === "waiting") {
          commands.push({ kind: "publish", ...size });
          next = { ...next, track: "publishing", size };
        } else if (state.track === "publishing") {
          next = { ...next, outgrown: grew ? size : undefined };
        }
        const source = `${event.source.sourceEncoding}\0${event.source.frameId}`;
        if (source !== state.source) {
          next = { ...next, source };
          commands.push({ kind: "reportSource" });
        }
      }
      if (next.pending !== undefined && next.track !== "closed") {
        commands.push({ kind: "convert", frame: next.pending });
        next = { ...next, converting: true, pending: undefined };
      }
      return { state: next, commands };
    }
    case "published":
      if (state.track === "closed") {
        // Closed while the publish was in flight: the new track is an orphan.
        commands.push({ kind: "unpublish" });
        return { state, commands };
      }
      if (state.outgrown !== undefined) {
        // A frame converted meanwhile is larger than the track: publish it again for its size.
        commands.push({ kind: "republish", ...state.outgrown });
        return { state: { ...state, size: state.outgrown, outgrown: undefined }, commands };
      }
      if (state.source !== undefined) {
        commands.push({ kind: "capture" }); // the frame that triggered the publish
      }
      return { state: { ...state, track: "live" }, commands };
    case "publishFailed":
      return { state: state.track === "closed" ? state : { ...state, track: "failed" }, commands };
    case "close":
      if (state.track === "live") {
        commands.push({ kind: "unpublish" });
      }
      return { state: { ...state, track: "closed", pending: undefined }, commands };
  }
}
