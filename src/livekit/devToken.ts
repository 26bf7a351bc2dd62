import { AccessToken } from "livekit-server-sdk";

/** Options of {@link mintDevToken}. */
export interface DevTokenOptions {
  /** API key of the server (e.g. `DevServer.apiKey`). */
  apiKey: string;
  /** API secret of the server. */
  apiSecret: string;
  /** Room to join. */
  room: string;
  /** Participant identity. */
  identity: string;
  /** Display name (default: none). */
  name?: string;
  /** Participant attributes, e.g. `{ protocolVersion: "2.2.0" }` (default: none). */
  attributes?: Record<string, string>;
  /** Lifetime in seconds (default 3600). */
  ttlSeconds?: number;
  /** Allow publishing tracks and data (default true). */
  canPublish?: boolean;
  /** Allow subscribing (default true). */
  canSubscribe?: boolean;
}

/** Mints a LiveKit access token for a local server (HS256 JWT; no network involved). */
export async function mintDevToken(options: DevTokenOptions): Promise<string> {
  const token = new AccessToken(options.apiKey, options.apiSecret, {
    identity: options.identity,
    ttl: options.ttlSeconds ?? 3600,
    ...(options.name !== undefined ? { name: options.name } : {}),
    ...(options.attributes !== undefined ? { attributes: options.attributes } : {}),
  });
  token.addGrant({
    roomJoin: true,
    room: options.room,
    canPublish: options.canPublish ?? true,
    canPublishData: options.canPublish ?? true,
    canSubscribe: options.canSubscribe ?? true,
  });
  return await token.toJwt();
}
