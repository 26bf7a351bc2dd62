import type { ChannelDescriptor } from "../../core/ChannelDescriptor.js";
import type { ServerMessage } from "../../protocol/index.js";
import type { ChannelRegistry } from "./ChannelRegistry.js";
import type { ClientChannels } from "./ClientChannels.js";
import type { DropWarnings } from "./DropWarnings.js";
import type { ParameterSubscriptions } from "./ParameterSubscriptions.js";
import type { Participant } from "./Participant.js";
import type { ParticipantRegistry } from "./ParticipantRegistry.js";
import type { RttTracker } from "./RttTracker.js";
import type { SessionDataPlane } from "./SessionDataPlane.js";
import type { SessionClient, SessionListener } from "./SessionListener.js";

/** The session state and effects the viewer-message handlers work with (internal). */
export interface SessionHandlerContext {
  readonly participants: ParticipantRegistry<Participant>;
  readonly channels: ChannelRegistry;
  readonly clientChannels: ClientChannels<ChannelDescriptor>;
  readonly parameterSubscriptions: ParameterSubscriptions;
  readonly dropWarnings: DropWarnings;
  readonly pingRtt: RttTracker;
  readonly dataPlane: SessionDataPlane;
  /** Frames and queues a message to one viewer. */
  send(p: Participant, message: ServerMessage): void;
  /** The listener's handle on a viewer. */
  client(p: Participant): SessionClient;
  /** Calls the listener, catching and logging what it throws. */
  notify(what: string, call: (listener: SessionListener) => void): void;
  /** Subscribes the session sink to channels in the Context. */
  subscribeContext(ids: number[]): void;
  /** Unsubscribes the session sink from channels in the Context. */
  unsubscribeContext(ids: number[]): void;
}
