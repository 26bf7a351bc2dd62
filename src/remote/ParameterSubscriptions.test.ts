import assert from "node:assert/strict";
import { test } from "node:test";
import { ParameterSubscriptions } from "./ParameterSubscriptions.js";

test("the first subscriber of a name is reported", () => {
  const p = new ParameterSubscriptions();
  assert.deepEqual(p.subscribe(101, ["x"]), ["x"]);
});

test("a second subscriber is not reported as first", () => {
  const p = new ParameterSubscriptions();
  p.subscribe(101, ["x"]);
  assert.deepEqual(p.subscribe(102, ["x"]), []);
  assert.deepEqual([...p.subscribers("x")!].sort(), [101, 102]);
});

test("a duplicate subscribe is idempotent", () => {
  const p = new ParameterSubscriptions();
  p.subscribe(101, ["x"]);
  assert.deepEqual(p.subscribe(101, ["x", "x"]), []);
  assert.equal(p.subscribers("x")?.size, 1);
});

test("several names can be subscribed at once", () => {
  const p = new ParameterSubscriptions();
  assert.deepEqual(p.subscribe(101, ["x", "y", "z"]), ["x", "y", "z"]);
  assert.equal(p.isSubscribed(101, "y"), true);
  assert.equal(p.isSubscribed(102, "y"), false);
});

test("the last unsubscriber is reported and the entry removed", () => {
  const p = new ParameterSubscriptions();
  p.subscribe(101, ["x"]);
  assert.deepEqual(p.unsubscribe(101, ["x"]), ["x"]);
  assert.equal(p.subscribers("x"), undefined);
});

test("a non-last unsubscriber is not reported", () => {
  const p = new ParameterSubscriptions();
  p.subscribe(101, ["x"]);
  p.subscribe(102, ["x"]);
  assert.deepEqual(p.unsubscribe(101, ["x"]), []);
  assert.deepEqual([...p.subscribers("x")!], [102]);
});

test("unsubscribing an unknown name is a no-op", () => {
  const p = new ParameterSubscriptions();
  p.subscribe(101, ["x"]);
  assert.deepEqual(p.unsubscribe(101, ["nope"]), []);
  assert.deepEqual(p.unsubscribe(102, ["x"]), []);
  assert.equal(p.subscribers("x")?.size, 1);
});

test("subscribers of an unknown name is undefined", () => {
  assert.equal(new ParameterSubscriptions().subscribers("x"), undefined);
});

test("cleanup of a removed viewer reports only names left without subscribers", () => {
  const p = new ParameterSubscriptions();
  p.subscribe(101, ["x", "y"]);
  p.subscribe(102, ["y"]);
  assert.deepEqual(p.removeSubscriber(101), ["x"]);
  assert.equal(p.subscribers("x"), undefined);
  assert.deepEqual([...p.subscribers("y")!], [102]);
});

test("cleanup of an unknown viewer is a no-op", () => {
  const p = new ParameterSubscriptions();
  p.subscribe(101, ["x"]);
  assert.deepEqual(p.removeSubscriber(126), []);
  assert.equal(p.subscribers("x")?.size, 1);
});
