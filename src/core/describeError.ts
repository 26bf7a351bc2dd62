/**
 * An error's message followed by its causes, joined by ": ", so the underlying reason shows:
 * `fetch failed: connect ECONNREFUSED 127.0.0.1:8780`, `listen EADDRINUSE: address already in use
 * 127.0.0.1:8780`. A cause without a message (e.g. an AggregateError of refused connections)
 * contributes its errno `code`. At most 5 levels.
 */
export function describeError(error: unknown): string {
  const parts: string[] = [];
  let cur: unknown = error;
  for (let depth = 0; cur !== undefined && cur !== null && depth < 5; depth++) {
    const code = (cur as { code?: unknown }).code;
    const text =
      cur instanceof Error ? cur.message : typeof cur === "string" ? cur : "unknown error";
    if (text !== "") {
      parts.push(text);
    } else if (typeof code === "string") {
      parts.push(code);
    }
    cur = cur instanceof Error ? cur.cause : undefined;
  }
  return parts.join(": ") || "unknown error";
}

/**
 * Why `value` is not an http(s) URL, or undefined when it is one. A bare `host:port` (a common
 * slip: `localhost:8780`) gets the remedy, e.g. `did you mean "http://localhost:8780"?`.
 */
export function httpUrlProblem(value: string): string | undefined {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (url !== undefined && (url.protocol === "http:" || url.protocol === "https:")) {
    return undefined;
  }
  const hint = /^[\w.-]+:\d+(\/.*)?$/.test(value) ? `; did you mean "http://${value}"?` : "";
  return `"${value}" is not an http:// or https:// URL${hint}`;
}
