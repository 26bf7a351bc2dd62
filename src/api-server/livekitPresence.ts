import { RoomServiceClient } from "livekit-server-sdk";
import { log } from "../core/logger.js";

/** Whether a participant is in a LiveKit room, or `unknown` when LiveKit could not be asked. */
export type Presence = "present" | "absent" | "unknown";

/** What the API server asks LiveKit about rooms and participants. */
export interface LiveKitPresence {
  /** Whether `identity` is in `room`. */
  participant(room: string, identity: string): Promise<Presence>;
  /**
   * The names of rooms starting with `prefix` that `identity` is in (usually none or one), or
   * undefined when LiveKit could not be asked.
   */
  roomsWith(identity: string, prefix: string): Promise<string[] | undefined>;
}

/** LiveKit's ParticipantInfo.State value for a participant that has left. */
const DISCONNECTED = 3;

/** How long one question may take, in seconds. */
const PRESENCE_TIMEOUT_S = 2;

/**
 * A {@link LiveKitPresence} that asks the LiveKit server's room service (`GetParticipant`,
 * `ListRooms`) over HTTP. `url` may be ws(s):// or http(s)://. A 404 (no such room or
 * participant) or a participant that has disconnected is `absent`. Network errors, timeouts and
 * other answers are `unknown`.
 */
export function livekitPresence(url: string, apiKey: string, apiSecret: string): LiveKitPresence {
  const host = url.replace(/^ws(s?):\/\//i, "http$1://");
  const client = new RoomServiceClient(host, apiKey, apiSecret, {
    requestTimeout: PRESENCE_TIMEOUT_S,
    failover: false,
  });
  const participant = async (room: string, identity: string): Promise<Presence> => {
    try {
      const info = await client.getParticipant(room, identity);
      return (info.state as number) === DISCONNECTED ? "absent" : "present";
    } catch (error) {
      if ((error as { status?: unknown }).status === 404) {
        return "absent";
      }
      log.debug("api-server: could not ask LiveKit whether a participant is in a room", error);
      return "unknown";
    }
  };
  return {
    participant,
    async roomsWith(identity, prefix) {
      let names: string[];
      try {
        names = (await client.listRooms()).map((r) => r.name).filter((n) => n.startsWith(prefix));
      } catch (error) {
        log.debug("api-server: could not list LiveKit rooms", error);
        return undefined;
      }
      const present = await Promise.all(names.map((n) => participant(n, identity)));
      return names.filter((_n, i) => present[i] === "present");
    },
  };
}
