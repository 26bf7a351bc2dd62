import { randomBytes } from "node:crypto";

/** The protocol version put in viewer tokens when the request names none. */
export const DEFAULT_VIEWER_PROTOCOL_VERSION = "2.2.0";

/** The longest a viewer request may ask to wait for an offline device, in milliseconds. */
export const MAX_VIEWER_WAIT_MS = 120_000;

/** A checked `POST /viewer/v1/connect` request body. */
export interface ViewerConnectRequest {
  /** Device id or name. */
  readonly device: string;
  /** The viewer's LiveKit identity. */
  readonly identity: string;
  /** The viewer's display name, if given. */
  readonly name: string | undefined;
  /** The `protocolVersion` attribute to embed, or null to embed none. */
  readonly protocolVersion: string | null;
  /** How long to wait for an offline device, in milliseconds. */
  readonly timeoutMs: number;
}

/** Why a viewer request body was refused: a message for a 400 answer. */
export interface ViewerRequestProblem {
  readonly problem: string;
}

const IDENTITY = /^[A-Za-z0-9_.:@-]{1,128}$/;

function optionalString(
  body: Record<string, unknown>,
  key: string,
  max: number,
): string | undefined {
  const value = body[key];
  if (value === undefined) {
    return undefined;
  }
  if (typeof value !== "string" || value.length > max) {
    throw new TypeError(`"${key}" must be a string of at most ${max} characters`);
  }
  return value;
}

/**
 * Checks a viewer connect body and fills defaults: a random `viewer-<hex>` identity, protocol
 * version `2.2.0`, and `defaultTimeoutMs`. Pure apart from the random identity.
 */
export function parseViewerConnectRequest(
  body: unknown,
  defaultTimeoutMs: number,
): ViewerConnectRequest | ViewerRequestProblem {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    return { problem: "the body must be a JSON object" };
  }
  const fields = body as Record<string, unknown>;
  try {
    const device = optionalString(fields, "device", 1024);
    if (device === undefined || device.length === 0) {
      return { problem: '"device" (a device id or name) is required' };
    }
    const identity =
      optionalString(fields, "identity", 128) ?? `viewer-${randomBytes(4).toString("hex")}`;
    if (!IDENTITY.test(identity)) {
      return { problem: '"identity" must be 1-128 characters of A-Z a-z 0-9 _ . : @ -' };
    }
    const name = optionalString(fields, "name", 256);
    let protocolVersion: string | null = DEFAULT_VIEWER_PROTOCOL_VERSION;
    if (fields.protocolVersion === null) {
      protocolVersion = null;
    } else {
      protocolVersion = optionalString(fields, "protocolVersion", 64) ?? protocolVersion;
    }
    const timeoutMs = fields.timeoutMs ?? defaultTimeoutMs;
    if (
      typeof timeoutMs !== "number" ||
      !Number.isSafeInteger(timeoutMs) ||
      timeoutMs < 0 ||
      timeoutMs > MAX_VIEWER_WAIT_MS
    ) {
      return { problem: `"timeoutMs" must be an integer from 0 to ${MAX_VIEWER_WAIT_MS}` };
    }
    return { device, identity, name, protocolVersion, timeoutMs };
  } catch (error) {
    return { problem: (error as Error).message };
  }
}
