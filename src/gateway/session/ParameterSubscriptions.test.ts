import assert from "node:assert/strict";
import { test } from "node:test";
import { ParameterSubscriptions } from "./ParameterSubscriptions.js";

test("the first subscriber of a name is reported", () => {
  const p = new ParameterSubscriptions();
  assert.deepEqual(p.subscribe("A", ["x"]), ["x"]);
});

test("a second subscriber is not reported as first", () => {
  const p = new ParameterSubscriptions();
  p.subscribe("A", ["x"]);
  assert.deepEqual(p.subscribe("B", ["x"]), []);
  assert.deepEqual([...p.subscribers("x")!].sort(), ["A", "B"]);
});

test("a duplicate subscribe is idempotent", () => {
  const p = new ParameterSubscriptions();
  p.subscribe("A", ["x"]);
  assert.deepEqual(p.subscribe("A", ["x", "x"]), []);
  assert.equal(p.subscribers("x")?.size, 1);
});

test("several names can be subscribed at once", () => {
  const p = new ParameterSubscriptions();
  assert.deepEqual(p.subscribe("A", ["x", "y", "z"]), ["x", "y", "z"]);
  assert.equal(p.isSubscribed("A", "y"), true);
  assert.equal(p.isSubscribed("B", "y"), false);
});

test("the last unsubscriber is reported and the entry removed", () => {
  const p = new ParameterSubscriptions();
  p.subscribe("A", ["x"]);
  assert.deepEqual(p.unsubscribe("A", ["x"]), ["x"]);
  assert.equal(p.subscribers("x"), undefined);
});

test("a non-last unsubscriber is not reported", () => {
  const p = new ParameterSubscriptions();
  p.subscribe("A", ["x"]);
  p.subscribe("B", ["x"]);
  assert.deepEqual(p.unsubscribe("A", ["x"]), []);
  assert.deepEqual([...p.subscribers("x")!], ["B"]);
});

test("unsubscribing an unknown name is a no-op", () => {
  const p = new ParameterSubscriptions();
  p.subscribe("A", ["x"]);
  assert.deepEqual(p.unsubscribe("A", ["nope"]), []);
  assert.deepEqual(p.unsubscribe("B", ["x"]), []);
  assert.equal(p.subscribers("x")?.size, 1);
});

test("subscribers of an unknown name is undefined", () => {
  assert.equal(new ParameterSubscriptions().subscribers("x"), undefined);
});

test("cleanup of a removed viewer reports only names left without subscribers", () => {
  const p = new ParameterSubscriptions();
  p.subscribe("A", ["x", "y"]);
  p.subscribe("B", ["y"]);
  assert.deepEqual(p.removeSubscriber("A"), ["x"]);
  assert.equal(p.subscribers("x"), undefined);
  assert.deepEqual([...p.subscribers("y")!], ["B"]);
});

test("cleanup of an unknown viewer is a no-op", () => {
  const p = new ParameterSubscriptions();
  p.subscribe("A", ["x"]);
  assert.deepEqual(p.removeSubscriber("Z"), []);
  assert.equal(p.subscribers("x")?.size, 1);
});
