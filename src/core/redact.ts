/** What every redacted secret is replaced with. */
export const REDACTED = "<redacted>";

/** Parameter names whose values are secrets (`token`, `jwt`, `api_key`, `password`, ...). */
export const SECRET_NAME = /token|jwt|key|secret|password|passwd|auth|credential|signature/i;

/** `name=value` pairs (query strings, form bodies, log text) whose name looks secret. */
const SECRET_PAIR =
  /\b([\w.-]*(?:token|jwt|key|secret|password|passwd|auth|credential|signature)[\w.-]*=)[^&\s"';,]+/gi;
/** An HTTP credential after its scheme, wherever it appears (headers echoed in text). */
const SCHEME_CREDENTIAL = /\b([Bb]earer|[Dd]evice[Tt]oken|Basic)(\s+|%20|\+)[^\s"',;&]+/g;
/** A JWT: three base64url parts, the first a JSON header (`eyJ`). */
const JWT = /eyJ[\w-]*\.[\w-]+\.[\w-]*/g;
/** A Foxglove-style token (`fox_dt_...`, `fox_sk_...`). */
const FOXGLOVE_TOKEN = /\bfox_[a-z]{2,4}_[\w-]+/gi;

/**
 * Removes credentials from text before it is logged, recorded or put into an error: every
 * occurrence of each given secret (empty ones are ignored), `name=value` pairs whose name looks
 * secret (`access_token=`, `jwt=`, `apiKey=` ...), credentials after an HTTP auth scheme
 * (`Bearer x`, `DeviceToken x`), JWT-shaped strings and Foxglove-style `fox_xx_...` tokens all
 * become `<redacted>`. Pure.
 */
export function redact(text: string, ...secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret !== undefined && secret.length > 0) {
      out = out.split(secret).join(REDACTED);
    }
  }
  return out
    .replace(SECRET_PAIR, `$1${REDACTED}`)
    .replace(SCHEME_CREDENTIAL, `$1$2${REDACTED}`)
    .replace(JWT, REDACTED)
    .replace(FOXGLOVE_TOKEN, REDACTED);
}
