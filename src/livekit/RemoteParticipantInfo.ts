/** Where a participant is in its LiveKit lifecycle; only "active" participants can receive data. */
export type ParticipantState = "joining" | "joined" | "active" | "disconnected";

/** An immutable snapshot of another participant in the room. */
export interface RemoteParticipantInfo {
  /** The identity fixed by the participant's token; unique in the room at any time. */
  readonly identity: string;
  /** The server-assigned id of this connection instance (changes when the identity rejoins). */
  readonly sid: string;
  /** Display name from the token (may be empty). */
  readonly name: string;
  /** Participant attributes, e.g. `protocolVersion` (set through the token). */
  readonly attributes: Readonly<Record<string, string>>;
  /** Lifecycle state when the snapshot was taken. */
  readonly state: ParticipantState;
  /** When the participant joined, in ms since the Unix epoch (0 when unknown). */
  readonly joinedAtMs: number;
  /** Why the participant left, e.g. "CLIENT_INITIATED"; only set once disconnected. */
  readonly disconnectReason?: string;
}
