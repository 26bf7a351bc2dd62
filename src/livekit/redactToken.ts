/**
 * Removes access tokens from a message before it is logged or put into an error: every
 * occurrence of `token`, any `access_token=...` query parameter and anything shaped like a JWT
 * become `<redacted>`.
 */
export function redactToken(message: string, token?: string): string {
  let out = message;
  if (token !== undefined && token.length >= 8) {
    out = out.split(token).join("<redacted>");
  }
  return out
    .replace(/(access_token=)[^&\s"']+/gi, "$1<redacted>")
    .replace(/eyJ[\w-]*\.[\w-]+\.[\w-]*/g, "<redacted>");
}
