import assert from "node:assert/strict";
import { test } from "node:test";
import { setLogger } from "../core/logger.js";
import { Subscription } from "./Subscription.js";
import { toViewerChannel } from "./ViewerChannel.js";
import type { ViewerMessage } from "./ViewerMessage.js";

const channel = toViewerChannel({
  id: 1,
  topic: "/t",
  encoding: "json",
  schemaName: "",
  schema: "",
});
const msg = (n: number): ViewerMessage => ({
  channel,
  logTime: BigInt(n),
  data: new Uint8Array([n]),
  source: "controlStream",
});

async function drain(sub: Subscription, n: number): Promise<number[]> {
  const it = sub[Symbol.asyncIterator]();
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const r = await it.next();
    if (r.done === true) break;
    out.push(Number(r.value.logTime));
  }
  return out;
}

test("a full buffer drops the oldest message by default and counts it", async () => {
  const sub = new Subscription({ kind: "topic", topic: "/t" }, { queueSize: 3 }, () => {});
  for (let i = 1; i <= 5; i++) sub.deliver(msg(i));
  assert.equal(sub.received, 5);
  assert.equal(sub.dropped, 2);
  assert.equal(sub.pending, 3);
  assert.deepEqual(await drain(sub, 3), [3, 4, 5]);
});

test("dropNewest keeps the oldest messages", async () => {
  const sub = new Subscription(
    { kind: "topic", topic: "/t" },
    { queueSize: 2, overflow: "dropNewest" },
    () => {},
  );
  for (let i = 1; i <= 4; i++) sub.deliver(msg(i));
  assert.equal(sub.dropped, 2);
  assert.deepEqual(await drain(sub, 2), [1, 2]);
});

test("end lets buffered messages be read, then iteration finishes", async () => {
  const sub = new Subscription({ kind: "channel", id: 1 }, {}, () => {});
  sub.deliver(msg(1));
  sub.end();
  sub.deliver(msg(2)); // ignored after the end
  assert.equal(sub.active, false);
  const seen: number[] = [];
  for await (const m of sub) seen.push(Number(m.logTime));
  assert.deepEqual(seen, [1]);
});

test("unsubscribe notifies once, discards the buffer and ends iteration", async () => {
  let calls = 0;
  const sub = new Subscription({ kind: "topic", topic: "/t" }, {}, () => (calls += 1));
  sub.deliver(msg(1));
  const it = sub[Symbol.asyncIterator]();
  sub.unsubscribe();
  sub.unsubscribe();
  assert.equal(calls, 1);
  assert.deepEqual(await it.next(), { done: true, value: undefined });
});

test("breaking out of for-await unsubscribes", async () => {
  let calls = 0;
  const sub = new Subscription({ kind: "topic", topic: "/t" }, {}, () => (calls += 1));
  sub.deliver(msg(1));
  sub.deliver(msg(2));
  for await (const m of sub) {
    assert.equal(m.logTime, 1n);
    break;
  }
  assert.equal(calls, 1);
  assert.equal(sub.active, false);
});

test("the callback form delivers synchronously, survives a throwing callback, and cannot be iterated", () => {
  const got: bigint[] = [];
  const sub = new Subscription(
    { kind: "topic", topic: "/t" },
    {
      onMessage: (m) => {
        got.push(m.logTime);
        if (m.logTime === 1n) throw new Error("boom");
      },
    },
    () => {},
  );
  const logged: unknown[] = [];
  setLogger({ debug() {}, info() {}, warn() {}, error: (...a) => logged.push(a) });
  try {
    sub.deliver(msg(1));
    sub.deliver(msg(2));
  } finally {
    setLogger(console);
  }
  assert.deepEqual(got, [1n, 2n]);
  assert.equal(logged.length, 1);
  assert.equal(sub.dropped, 0);
  assert.throws(() => sub[Symbol.asyncIterator](), { code: "ERR_VALUE" });
});

test("a bad queue size is ERR_VALUE", () => {
  assert.throws(
    () => new Subscription({ kind: "topic", topic: "/t" }, { queueSize: 0 }, () => {}),
    { code: "ERR_VALUE" },
  );
});

test("matches by topic or by channel id", () => {
  assert.equal(
    new Subscription({ kind: "topic", topic: "/t" }, {}, () => {}).matches(channel),
    true,
  );
  assert.equal(
    new Subscription({ kind: "topic", topic: "/u" }, {}, () => {}).matches(channel),
    false,
  );
  assert.equal(new Subscription({ kind: "channel", id: 1 }, {}, () => {}).matches(channel), true);
  assert.equal(new Subscription({ kind: "channel", id: 2 }, {}, () => {}).matches(channel), false);
});
