import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { setLogger, setLogLevel, type Logger } from "../core/logger.js";
import { guardRoomEvents } from "./guardRoomEvents.js";
import { safeCall } from "./safeCall.js";

const errors: string[] = [];
before(() => {
  const record = (...a: unknown[]) => errors.push(a.map(String).join(" "));
  const noop = () => {};
  setLogger({ debug: noop, info: noop, warn: record, error: record } satisfies Logger);
  setLogLevel("warn");
});
after(() => setLogger(console));

const tick = () => new Promise((r) => setImmediate(r));

test("safeCall passes arguments and this, and logs sync throws", () => {
  const seen: string[] = [];
  const on = function (this: { name: string }, x: number) {
    if (x === 2) throw new Error("sync boom");
    seen.push(`${this.name}${x}`);
  };
  const listener = { name: "l" };
  safeCall("test", listener, on, 1);
  safeCall("test", listener, on, 2);
  safeCall("test", listener, undefined);
  assert.deepEqual(seen, ["l1"]);
  assert.ok(errors.some((e) => e.includes("test threw") && e.includes("sync boom")));
});

test("safeCall logs rejected promises instead of leaving them unhandled", async () => {
  let unhandled = 0;
  const count = () => (unhandled += 1);
  process.on("unhandledRejection", count);
  try {
    safeCall("async", null, async () => {
      await Promise.resolve();
      throw new Error("async boom");
    });
    await tick();
    await tick();
    assert.equal(unhandled, 0);
    assert.ok(errors.some((e) => e.includes("async failed") && e.includes("async boom")));
  } finally {
    process.off("unhandledRejection", count);
  }
});

test("guardRoomEvents turns rejections of rtc-node's event processing into logs", async () => {
  const room = {
    calls: 0,
    onFfiEvent: async function (this: { calls: number }, _ev: unknown): Promise<void> {
      this.calls += 1;
      await Promise.resolve();
      throw new TypeError("participant x not found");
    },
  };
  guardRoomEvents(room);
  let unhandled = 0;
  const count = () => (unhandled += 1);
  process.on("unhandledRejection", count);
  try {
    void room.onFfiEvent({});
    await tick();
    await tick();
    assert.equal(room.calls, 1, "the original runs with the room as this");
    assert.equal(unhandled, 0);
    assert.ok(errors.some((e) => e.includes("participant x not found")));
  } finally {
    process.off("unhandledRejection", count);
  }
});
