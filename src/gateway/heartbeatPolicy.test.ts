import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ApiError } from "./ApiError.js";
import { classifyHeartbeatError, nextHeartbeatAt, onHeartbeatResult } from "./heartbeatPolicy.js";

const H = 1000;

describe("classifyHeartbeatError", () => {
  test("maps 409, 410 and 401 to terminal results", () => {
    const err = (status: number) => new ApiError("errorResponse", "x", { status });
    assert.equal(classifyHeartbeatError(err(409)), "conflict");
    assert.equal(classifyHeartbeatError(err(410)), "gone");
    assert.equal(classifyHeartbeatError(err(401)), "unauthorized");
  });

  test("every other status, body kind or failure is a counted error", () => {
    for (const status of [400, 403, 404, 429, 500, 503]) {
      assert.equal(
        classifyHeartbeatError(new ApiError("malformedErrorResponse", "x", { status })),
        "error",
      );
    }
    assert.equal(
      classifyHeartbeatError(new ApiError("responseTooLarge", "x", { status: 500 })),
      "error",
    );
    assert.equal(classifyHeartbeatError(new ApiError("timeout", "x")), "error");
    assert.equal(classifyHeartbeatError(new ApiError("sendRequest", "x")), "error");
    assert.equal(classifyHeartbeatError(new Error("boom")), "error");
    assert.equal(classifyHeartbeatError(undefined), "error");
  });

  test("the classification ignores the body: a 409 with any body kind is a conflict", () => {
    assert.equal(
      classifyHeartbeatError(new ApiError("responseTooLarge", "x", { status: 409 })),
      "conflict",
    );
    assert.equal(
      classifyHeartbeatError(new ApiError("malformedErrorResponse", "x", { status: 410 })),
      "gone",
    );
  });
});

describe("onHeartbeatResult", () => {
  test("success moves the last success time and continues", () => {
    const d = onHeartbeatResult({ lastSuccessMs: 0 }, "ok", 5 * H, H);
    assert.deepEqual(d, { state: { lastSuccessMs: 5 * H }, exit: undefined });
  });

  for (const r of ["conflict", "gone", "unauthorized"] as const) {
    test(`${r} ends the task at once, even right after a success`, () => {
      assert.equal(onHeartbeatResult({ lastSuccessMs: 0 }, r, 1, H).exit, r);
    });
  }

  test("fast failures trip on the third consecutive failure (at 3 intervals)", () => {
    let s = { lastSuccessMs: 0 };
    const exits = [1, 2, 3].map((k) => {
      const d = onHeartbeatResult(s, "error", k * H, H);
      s = d.state;
      return d.exit;
    });
    assert.deepEqual(exits, [undefined, undefined, "failed"]);
  });

  test("just under 3 intervals is still tolerated", () => {
    assert.equal(onHeartbeatResult({ lastSuccessMs: 0 }, "error", 3 * H - 1, H).exit, undefined);
  });

  test("slow failures trip after fewer attempts", () => {
    // One attempt that timed out after 3.2 intervals is enough.
    assert.equal(onHeartbeatResult({ lastSuccessMs: 0 }, "error", 3.2 * H, H).exit, "failed");
  });

  test("a success in between restarts the window", () => {
    let s = { lastSuccessMs: 0 };
    s = onHeartbeatResult(s, "error", 1 * H, H).state;
    s = onHeartbeatResult(s, "error", 2 * H, H).state;
    s = onHeartbeatResult(s, "ok", 2.5 * H, H).state;
    assert.equal(onHeartbeatResult(s, "error", 5 * H, H).exit, undefined);
    assert.equal(onHeartbeatResult(s, "error", 5.5 * H, H).exit, "failed");
  });
});

describe("nextHeartbeatAt", () => {
  test("the first POST is one interval after the start", () => {
    assert.equal(nextHeartbeatAt(100, H, 100), 100 + H);
  });

  test("a quick POST keeps the schedule", () => {
    assert.equal(nextHeartbeatAt(0, H, H + 30), 2 * H);
  });

  test("a POST that overran skips the missed ticks instead of bursting", () => {
    assert.equal(nextHeartbeatAt(0, H, 3.5 * H), 4 * H);
  });

  test("finishing exactly on a tick waits for the following one", () => {
    assert.equal(nextHeartbeatAt(0, H, 2 * H), 3 * H);
  });
});
