import assert from "node:assert/strict";
import { test } from "node:test";
import { isProcessIdle, type ProcessProbe } from "./processIdle.js";

const probe = (p: Partial<ProcessProbe>): ProcessProbe => ({
  handles: () => [],
  requests: () => [],
  resources: () => [],
  stdio: () => [],
  ...p,
});

test("idle when only stdout/stderr and an unread stdin remain", () => {
  assert.equal(isProcessIdle(probe({})), true);
  // In a terminal the TTY handles have other fds (Node reopens the terminal): identity counts.
  const stdout = { fd: 1, _handle: { fd: 18 } };
  const stderr = { fd: 2, _handle: { fd: 19 } };
  assert.equal(
    isProcessIdle(
      probe({ handles: () => [stdout, stderr, { fd: 0 }], stdio: () => [stdout, stderr] }),
    ),
    true,
  );
});

test("a handle that merely looks like fd 1 or 2 is not stdio", () => {
  assert.equal(isProcessIdle(probe({ handles: () => [{ _handle: { fd: 1 } }] })), false);
  assert.equal(isProcessIdle(probe({ handles: () => [{ fd: 2 }] })), false);
});

test("busy with a ref'd timer, a request, a server socket or a read stdin", () => {
  assert.equal(isProcessIdle(probe({ resources: () => ["PipeWrap", "Timeout"] })), false);
  assert.equal(isProcessIdle(probe({ resources: () => ["Immediate"] })), false);
  assert.equal(isProcessIdle(probe({ requests: () => [{}] })), false);
  assert.equal(isProcessIdle(probe({ handles: () => [{ _handle: { fd: 17 } }] })), false);
  assert.equal(isProcessIdle(probe({ handles: () => [{}] })), false);
  assert.equal(isProcessIdle(probe({ handles: () => [{ fd: 0, readableFlowing: true }] })), false);
});

test("the live process with a ref'd timer is not idle", () => {
  const timer = setTimeout(() => {}, 10_000);
  try {
    assert.equal(isProcessIdle(), false);
  } finally {
    clearTimeout(timer);
  }
});
