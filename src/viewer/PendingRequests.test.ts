import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { FoxgloveError } from "../core/FoxgloveError.js";
import { PendingRequests } from "./PendingRequests.js";

const errors = {
  timeout: (ms: number, what: string) => new FoxgloveError("ERR_TIMEOUT", `${what} ${ms}`),
  aborted: (what: string) => new FoxgloveError("ERR_ABORTED", what),
  tooMany: (n: number, what: string) => new FoxgloveError("ERR_TOO_MANY_REQUESTS", `${what} ${n}`),
};
const code = (c: string) => (e: unknown) => e instanceof FoxgloveError && e.code === c;

describe("PendingRequests", () => {
  test("answers reach the request with the same key, in any order; late answers are dropped", async () => {
    const table = new PendingRequests<string, string>(32, errors);
    const sent: number[] = [];
    const a = table.start("a", { timeoutMs: 10_000 }, (k) => sent.push(k));
    const b = table.start("b", { timeoutMs: 10_000 }, (k) => sent.push(k));
    assert.deepEqual(sent, [a.key, b.key]);
    assert.notEqual(a.key, b.key);
    assert.equal(table.context(b.key), "b");
    assert.equal(table.settle(b.key, "B"), true);
    assert.equal(table.settle(a.key, "A"), true);
    assert.equal(await a.answer, "A");
    assert.equal(await b.answer, "B");
    assert.equal(table.settle(a.key, "again"), false);
    assert.equal(table.fail(999, new Error("x")), false);
    assert.equal(table.size, 0);
  });

  test("a request fails with its own error, a timeout, or an abort, and is then forgotten", async () => {
    const table = new PendingRequests<string, string>(32, errors);
    const failed = table.start("f", { timeoutMs: 10_000 }, () => undefined);
    table.fail(failed.key, new FoxgloveError("ERR_ASSET", "nope"));
    await assert.rejects(failed.answer, code("ERR_ASSET"));

    const timed = table.start("t", { timeoutMs: 5 }, () => undefined);
    await assert.rejects(timed.answer, (e) => code("ERR_TIMEOUT")(e) && /t 5/.test(String(e)));
    assert.equal(table.settle(timed.key, "late"), false);

    const controller = new AbortController();
    const aborted = table.start("x", { timeoutMs: 10_000, signal: controller.signal }, () => {});
    controller.abort();
    await assert.rejects(aborted.answer, code("ERR_ABORTED"));
    const pre = table.start("y", { timeoutMs: 10_000, signal: controller.signal }, () =>
      assert.fail("an aborted request must not be sent"),
    );
    assert.equal(pre.key, 0);
    await assert.rejects(pre.answer, code("ERR_ABORTED"));
    assert.equal(table.size, 0);
  });

  test("at most `limit` in flight: one more rejects at once without being sent", async () => {
    const table = new PendingRequests<number, string>(2, errors);
    const sent: number[] = [];
    const one = table.start("1", { timeoutMs: 10_000 }, (k) => sent.push(k));
    const two = table.start("2", { timeoutMs: 10_000 }, (k) => sent.push(k));
    const third = table.start("3", { timeoutMs: 10_000 }, (k) => sent.push(k));
    await assert.rejects(
      third.answer,
      (e) => code("ERR_TOO_MANY_REQUESTS")(e) && /3 2/.test(String(e)),
    );
    assert.equal(sent.length, 2);
    table.settle(one.key, 1);
    await one.answer;
    const fourth = table.start("4", { timeoutMs: 10_000 }, (k) => sent.push(k));
    assert.equal(sent.length, 3);
    table.failAll((what) => new FoxgloveError("ERR_CHANNEL_CLOSED", what));
    await assert.rejects(two.answer, (e) => code("ERR_CHANNEL_CLOSED")(e) && /2/.test(String(e)));
    await assert.rejects(
      fourth.answer,
      (e) => code("ERR_CHANNEL_CLOSED")(e) && /4/.test(String(e)),
    );
    assert.equal(table.size, 0);
  });

  test("a send that throws fails the request instead of leaving it pending", async () => {
    const table = new PendingRequests<number, string>(2, errors);
    const r = table.start("s", { timeoutMs: 10_000 }, () => {
      throw new FoxgloveError("ERR_ENCODE", "bad");
    });
    await assert.rejects(r.answer, code("ERR_ENCODE"));
    assert.equal(table.size, 0);
  });

  test("keys are u32 values >= 1: after 2^32 - 1 the counter wraps to 1", async () => {
    const table = new PendingRequests<number, string>(4, errors, 0xffff_fffe);
    const keys: number[] = [];
    for (let i = 0; i < 3; i++) {
      const r = table.start("r", { timeoutMs: 10_000 }, (k) => keys.push(k));
      table.settle(r.key, i);
      await r.answer;
    }
    assert.deepEqual(keys, [0xffff_fffe, 0xffff_ffff, 1]);
  });
});
