import assert from "node:assert/strict";
import { test } from "node:test";
import { formatSseComment, formatSseEvent } from "./sseFormat.js";

test("an event is event and data lines and a blank line", () => {
  assert.equal(formatSseEvent("hello", '{"a":1}'), 'event: hello\ndata: {"a":1}\n\n');
});

test("multi-line data becomes one data line per line", () => {
  assert.equal(formatSseEvent("x", "a\nb\r\nc"), "event: x\ndata: a\ndata: b\ndata: c\n\n");
});

test("event names with line breaks are refused", () => {
  assert.throws(() => formatSseEvent("a\nb", ""), RangeError);
});

test("a comment stays on one line", () => {
  assert.equal(formatSseComment("keepalive"), ": keepalive\n");
  assert.equal(formatSseComment("a\r\nb"), ": a b\n");
});
