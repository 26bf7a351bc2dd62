import type { ViewerChannel } from "./ViewerChannel.js";

/** Where a message came from: a LiveKit data track (Lossy) or the control stream (Reliable). */
export type MessageSource = "dataTrack" | "controlStream";

/** One message of a subscribed channel. */
export interface ViewerMessage {
  /** The channel it was logged on (its description when the message arrived). */
  readonly channel: ViewerChannel;
  /** Log time, nanoseconds since the Unix epoch (0n when a data-track frame carried none). */
  readonly logTime: bigint;
  /** The message bytes, encoded per `channel.messageEncoding`. */
  readonly data: Uint8Array;
  /** How it travelled. */
  readonly source: MessageSource;
  /** Data-track frame sequence number (u32, per track); undefined for control-stream messages. */
  readonly sequence?: number;
}
