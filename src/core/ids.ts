import type { ChannelId } from "./ChannelDescriptor.js";
import type { SinkId } from "./Sink.js";

let nextChannel = 1;
let nextSink = 1;

/** Allocates the next process-wide channel id (from 1). Internal. */
export function nextChannelId(): ChannelId {
  return nextChannel++;
}

/** Allocates a new process-wide sink id (from 1); every {@link Sink} needs one. */
export function nextSinkId(): SinkId {
  return nextSink++;
}
