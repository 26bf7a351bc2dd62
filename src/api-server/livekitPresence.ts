import { RoomServiceClient } from "livekit-server-sdk";
import { log } from "../core/logger.js";

/** Whether a participant is in a LiveKit room, or `unknown` when LiveKit could not be asked. */
export type Presence = "present" | "absent" | "unknown";

/** Asks whether `identity` is in `room`. */
export type PresenceCheck = (room: string, identity: string) => Promise<Presence>;

/** LiveKit's ParticipantInfo.State value for a participant that has left. */
const DISCONNECTED = 3;

/** How long one presence question may take, in seconds. */
const PRESENCE_TIMEOUT_S = 2;

/**
 * A {@link PresenceCheck} that asks the LiveKit server's room service (`GetParticipant`) over
 * HTTP. `url` may be ws(s):// or http(s)://. A 404 (no such room or participant) or a participant
 * that has disconnected is `absent`. Network errors, timeouts and other answers are `unknown`.
 */
export function livekitPresence(url: string, apiKey: string, apiSecret: string): PresenceCheck {
  const host = url.replace(/^ws(s?):\/\//i, "http$1://");
  const client = new RoomServiceClient(host, apiKey, apiSecret, {
    requestTimeout: PRESENCE_TIMEOUT_S,
    failover: false,
  });
  return async (room, identity) => {
    try {
      const info = await client.getParticipant(room, identity);
      return (info.state as number) === DISCONNECTED ? "absent" : "present";
    } catch (error) {
      if ((error as { status?: unknown }).status === 404) {
        return "absent";
      }
      log.debug("api-server: could not ask LiveKit whether a device is in its room", error);
      return "unknown";
    }
  };
}
