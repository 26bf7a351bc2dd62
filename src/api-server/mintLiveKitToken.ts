import { AccessToken } from "livekit-server-sdk";
import { FoxgloveError } from "../core/FoxgloveError.js";

/** What a LiveKit access token minted by the API server grants. */
export interface LiveKitTokenRequest {
  /** LiveKit API key (the JWT issuer). */
  apiKey: string;
  /** LiveKit API secret (HS256 signing key). */
  apiSecret: string;
  /** Participant identity: the device id for a device, a viewer identity for a viewer. */
  identity: string;
  /** The room the token may join. */
  room: string;
  /** Participant attributes embedded in the token, e.g. `{ protocolVersion: "2.2.0" }`. */
  attributes?: Record<string, string>;
  /** Display name of the participant. Default: none. */
  name?: string;
  /** Time to live in seconds. Default 21600 (6 h, as the reference's tokens). */
  ttlSeconds?: number;
  /**
   * `device` (default) may publish tracks and data; `viewer` gets the least a viewer needs:
   * subscribe and publish data (its control streams), no track publishing.
   */
  role?: "device" | "viewer";
}

/**
 * Mints a LiveKit access JWT that joins one room with subscribe and data-publish rights, track
 * publishing for devices only, all set explicitly, and no admin, hidden or recorder rights.
 *
 * @throws FoxgloveError `ERR_LIVEKIT` when the token cannot be signed (e.g. empty secret).
 */
export async function mintLiveKitToken(request: LiveKitTokenRequest): Promise<string> {
  try {
    const token = new AccessToken(request.apiKey, request.apiSecret, {
      identity: request.identity,
      ttl: request.ttlSeconds ?? 6 * 60 * 60,
      ...(request.name !== undefined ? { name: request.name } : {}),
      ...(request.attributes !== undefined ? { attributes: request.attributes } : {}),
    });
    token.addGrant({
      roomJoin: true,
      room: request.room,
      canPublish: request.role !== "viewer",
      canSubscribe: true,
      canPublishData: true,
      canUpdateOwnMetadata: false,
      hidden: false,
      recorder: false,
    });
    return await token.toJwt();
  } catch (error) {
    throw new FoxgloveError("ERR_LIVEKIT", "could not mint a LiveKit token", { cause: error });
  }
}
