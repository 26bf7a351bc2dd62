/**
 * Formats one server-sent event: an `event:` line, one `data:` line per line of `data`, and the
 * blank line that dispatches it. `event` must not contain a line break.
 */
export function formatSseEvent(event: string, data: string): string {
  if (/[\r\n]/.test(event)) {
    throw new RangeError("SSE event names cannot contain line breaks");
  }
  const lines = data.split(/\r\n|\r|\n/).map((line) => `data: ${line}\n`);
  return `event: ${event}\n${lines.join("")}\n`;
}

/**
 * Formats an SSE comment line (`: text`), which clients ignore but count as a sign of life.
 * Line breaks in `text` become spaces so the comment stays one line.
 */
export function formatSseComment(text: string): string {
  return `: ${text.replace(/[\r\n]+/g, " ")}\n`;
}
