import assert from "node:assert/strict";
import { test } from "node:test";
import { FaultQueue } from "./Fault.js";

test("faults are taken in order and used up", () => {
  const q = new FaultQueue();
  q.add("watch", { kind: "respond", status: 503 }, { times: 2 });
  q.add("watch", { kind: "hang" });
  assert.equal(q.pending("watch"), 3);
  assert.equal(q.take("watch", undefined)?.kind, "respond");
  assert.equal(q.take("watch", undefined)?.kind, "respond");
  assert.equal(q.take("watch", undefined)?.kind, "hang");
  assert.equal(q.take("watch", undefined), undefined);
  assert.equal(q.pending(), 0);
});

test("faults are per endpoint and may be limited to a device", () => {
  const q = new FaultQueue();
  q.add("heartbeat", { kind: "respond", status: 410 }, { deviceId: "a" });
  assert.equal(q.take("watch", "a"), undefined);
  assert.equal(q.take("heartbeat", "b"), undefined);
  assert.equal(q.take("heartbeat", undefined), undefined);
  assert.equal(q.take("heartbeat", "a")?.kind, "respond");
});

test("Infinity times never runs out; clear drops faults", () => {
  const q = new FaultQueue();
  q.add("deviceInfo", { kind: "reset" }, { times: Infinity });
  for (let i = 0; i < 5; i++) assert.equal(q.take("deviceInfo", undefined)?.kind, "reset");
  q.add("watch", { kind: "hang" });
  q.clear("deviceInfo");
  assert.equal(q.take("deviceInfo", undefined), undefined);
  assert.equal(q.pending("watch"), 1);
  q.clear();
  assert.equal(q.pending(), 0);
});

test("times below 1 are refused", () => {
  assert.throws(() => new FaultQueue().add("watch", { kind: "hang" }, { times: 0 }), RangeError);
});
