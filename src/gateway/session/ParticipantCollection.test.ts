import assert from "node:assert/strict";
import { test } from "node:test";
import { ParticipantCollection } from "./ParticipantCollection.js";

const p = (identity: string, sid: string) => ({ identity, sid, handle: `flush-${sid}` });

test("insert returns true for a new identity", () => {
  const c = new ParticipantCollection<ReturnType<typeof p>>();
  assert.equal(c.insert(p("alice", "PA_1")), true);
  assert.equal(c.size, 1);
});

test("insert returns false for a duplicate identity", () => {
  const c = new ParticipantCollection<ReturnType<typeof p>>();
  c.insert(p("alice", "PA_1"));
  assert.equal(c.insert(p("alice", "PA_2")), false);
  assert.equal(c.size, 1);
});

test("insert populates both indexes", () => {
  const c = new ParticipantCollection<ReturnType<typeof p>>();
  const a = p("alice", "PA_1");
  c.insert(a);
  assert.equal(c.getByIdentity("alice"), a);
  assert.equal(c.getBySid("PA_1"), a);
});

test("removeBySid clears both indexes", () => {
  const c = new ParticipantCollection<ReturnType<typeof p>>();
  const a = p("alice", "PA_1");
  c.insert(a);
  assert.equal(c.removeBySid("PA_1"), a);
  assert.equal(c.getByIdentity("alice"), undefined);
  assert.equal(c.getBySid("PA_1"), undefined);
  assert.equal(c.size, 0);
});

test("removeBySid returns undefined for a missing SID", () => {
  const c = new ParticipantCollection<ReturnType<typeof p>>();
  c.insert(p("alice", "PA_1"));
  assert.equal(c.removeBySid("PA_9"), undefined);
  assert.equal(c.size, 1);
});

test("a rejected duplicate insert leaves no trace of its SID", () => {
  const c = new ParticipantCollection<ReturnType<typeof p>>();
  const a = p("alice", "PA_1");
  c.insert(a);
  c.insert(p("alice", "PA_2"));
  assert.equal(c.getBySid("PA_2"), undefined);
  assert.equal(c.getByIdentity("alice"), a);
  assert.equal(c.removeBySid("PA_2"), undefined);
  assert.equal(c.getBySid("PA_1"), a);
});

test("getBySid does not match a replaced participant", () => {
  const c = new ParticipantCollection<ReturnType<typeof p>>();
  c.insert(p("alice", "PA_1"));
  c.removeBySid("PA_1");
  const again = p("alice", "PA_2");
  c.insert(again);
  assert.equal(c.getBySid("PA_1"), undefined);
  assert.equal(c.getBySid("PA_2"), again);
});

test("drain clears the indexes and returns every participant with its handle", () => {
  const c = new ParticipantCollection<ReturnType<typeof p>>();
  c.insert(p("alice", "PA_1"));
  c.insert(p("bob", "PA_2"));
  const drained = c.drain();
  assert.deepEqual(drained.map((x) => x.handle).sort(), ["flush-PA_1", "flush-PA_2"]);
  assert.equal(c.size, 0);
  assert.equal(c.getBySid("PA_1"), undefined);
  assert.equal(c.getByIdentity("bob"), undefined);
});

test("values yields all registered participants", () => {
  const c = new ParticipantCollection<ReturnType<typeof p>>();
  for (const [i, name] of ["a", "b", "c"].entries()) {
    c.insert(p(name, `PA_${i}`));
  }
  assert.deepEqual(
    c
      .values()
      .map((x) => x.identity)
      .sort(),
    ["a", "b", "c"],
  );
});
