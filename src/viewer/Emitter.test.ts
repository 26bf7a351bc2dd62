import assert from "node:assert/strict";
import { test } from "node:test";
import { setLogger } from "../core/logger.js";
import { Emitter } from "./Emitter.js";

type Events = { a: [n: number]; b: [] };

test("listeners run in order; a throwing one is logged and does not stop the others", () => {
  const e = new Emitter<Events>();
  const seen: string[] = [];
  const logged: unknown[] = [];
  setLogger({ debug() {}, info() {}, warn() {}, error: (...args) => logged.push(args) });
  try {
    e.on("a", (n) => seen.push(`1:${n}`));
    e.on("a", () => {
      throw new Error("boom");
    });
    const off = e.on("a", (n) => seen.push(`3:${n}`));
    e.emit("a", 1);
    off();
    e.emit("a", 2);
    e.emit("b"); // no listener: nothing happens
  } finally {
    setLogger(console);
  }
  assert.deepEqual(seen, ["1:1", "3:1", "1:2"]);
  assert.equal(logged.length, 2);
  assert.equal(e.listenerCount("a"), 2);
});

test("listener objects register each method and can be removed at once", () => {
  const e = new Emitter<Events>();
  const seen: string[] = [];
  const remove = e.addListener({
    a(n) {
      seen.push(`a${n}`);
    },
    b: () => seen.push("b"),
  });
  e.emit("a", 1);
  e.emit("b");
  remove();
  e.emit("a", 2);
  assert.deepEqual(seen, ["a1", "b"]);
});
