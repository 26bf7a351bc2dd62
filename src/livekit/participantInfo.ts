import {
  DisconnectReason,
  ParticipantState as FfiParticipantState,
  type ParticipantInfo,
} from "@livekit/rtc-ffi-bindings";
import type { ParticipantState, RemoteParticipantInfo } from "./RemoteParticipantInfo.js";

const STATES: Record<FfiParticipantState, ParticipantState> = {
  [FfiParticipantState.JOINING]: "joining",
  [FfiParticipantState.JOINED]: "joined",
  [FfiParticipantState.ACTIVE]: "active",
  [FfiParticipantState.DISCONNECTED]: "disconnected",
};

/** Converts LiveKit's participant info into our snapshot type. */
export function toParticipantInfo(info: ParticipantInfo): RemoteParticipantInfo {
  return {
    identity: info.identity ?? "",
    sid: info.sid ?? "",
    name: info.name ?? "",
    attributes: { ...info.attributes },
    state: STATES[info.state ?? FfiParticipantState.JOINING] ?? "joining",
    joinedAtMs: Number(info.joinedAt ?? 0n),
  };
}

/** LiveKit's name for a disconnect reason, e.g. "CLIENT_INITIATED"; undefined stays undefined. */
export function disconnectReasonName(reason: DisconnectReason | undefined): string | undefined {
  return reason === undefined ? undefined : (DisconnectReason[reason] ?? String(reason));
}
