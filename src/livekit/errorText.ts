import { redact } from "../core/redact.js";

/**
 * The message of an error raised by LiveKit, made safe for our errors and logs: tokens redacted
 * and cut to `max` characters (LiveKit sometimes echoes whole requests, payload bytes included).
 */
export function errorText(error: unknown, token?: string, max = 300): string {
  const raw = error instanceof Error ? error.message : String(error);
  const text = redact(raw, token);
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
