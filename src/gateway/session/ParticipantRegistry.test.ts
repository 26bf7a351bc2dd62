import assert from "node:assert/strict";
import { test } from "node:test";
import { ParticipantRegistry } from "./ParticipantRegistry.js";

interface P {
  identity: string;
  sid: string;
  joinedAt: number;
  clientId: number;
}
let nextId = 1;
const p = (identity: string, sid: string, joinedAt: number): P => ({
  identity,
  sid,
  joinedAt,
  clientId: nextId++,
});

test("register then remove by SID round-trips", () => {
  const r = new ParticipantRegistry<P>();
  const a = p("alice", "S1", 100);
  assert.deepEqual(r.register(a), { kind: "added" });
  assert.equal(r.getBySid("S1"), a);
  assert.equal(r.removeBySid("S1"), a);
  assert.equal(r.size, 0);
});

test("register replaces a prior participant with a different SID and returns it", () => {
  const r = new ParticipantRegistry<P>();
  const old = p("alice", "S1", 100);
  r.register(old);
  const fresh = p("alice", "S2", 200);
  const outcome = r.register(fresh);
  assert.equal(outcome.kind, "replaced");
  assert.ok(outcome.kind === "replaced");
  assert.equal(outcome.prior.sid, "S1");
  assert.equal(outcome.prior.clientId, old.clientId);
  assert.equal(r.getByIdentity("alice"), fresh);
  assert.equal(r.getBySid("S1"), undefined);
});

test("register is a no-op for the same identity and SID", () => {
  const r = new ParticipantRegistry<P>();
  const a = p("alice", "S1", 100);
  r.register(a);
  assert.deepEqual(r.register(p("alice", "S1", 300)), { kind: "ignored", reason: "sameSid" });
  assert.equal(r.getBySid("S1"), a);
  assert.equal(r.wouldRegister("alice", "S1", 300), false);
});

test("a stale disconnect must not remove the reconnected participant (reset flow)", () => {
  const r = new ParticipantRegistry<P>();
  r.register(p("alice", "S1", 100));
  // reset drained: remove S1, then re-add with the current connection S2
  assert.ok(r.removeBySid("S1"));
  const s2 = p("alice", "S2", 200);
  r.register(s2);
  assert.equal(r.removeBySid("S1"), undefined); // late ParticipantDisconnected(S1)
  assert.equal(r.getByIdentity("alice"), s2);
  assert.equal(r.removeBySid("S2"), s2);
  assert.equal(r.size, 0);
});

test("a same-identity reconnect replaces the prior registration (Active(S2) before Disconnected(S1))", () => {
  const r = new ParticipantRegistry<P>();
  r.register(p("alice", "S1", 100));
  const s2 = p("alice", "S2", 150);
  assert.equal(r.register(s2).kind, "replaced");
  assert.equal(r.removeBySid("S1"), undefined);
  assert.equal(r.getBySid("S2"), s2);
});

test("an older joinedAt never displaces a newer instance", () => {
  const r = new ParticipantRegistry<P>();
  const newer = p("alice", "S2", 200);
  r.register(newer);
  assert.equal(r.wouldRegister("alice", "S1", 100), false);
  assert.deepEqual(r.register(p("alice", "S1", 100)), { kind: "ignored", reason: "stale" });
  assert.equal(r.getByIdentity("alice"), newer);
  assert.equal(r.getBySid("S1"), undefined);
});

test("an equal joinedAt replaces (later event wins), and a newer one replaces", () => {
  const r = new ParticipantRegistry<P>();
  r.register(p("alice", "S1", 100));
  assert.equal(r.wouldRegister("alice", "S2", 100), true);
  assert.equal(r.register(p("alice", "S2", 100)).kind, "replaced");
  assert.equal(r.getByIdentity("alice")?.sid, "S2");
  assert.equal(r.register(p("alice", "S3", 101)).kind, "replaced");
  assert.equal(r.getByIdentity("alice")?.sid, "S3");
  assert.equal(r.size, 1);
});

test("drain returns everyone and empties the registry", () => {
  const r = new ParticipantRegistry<P>();
  r.register(p("alice", "S1", 1));
  r.register(p("bob", "S2", 1));
  assert.equal(r.drain().length, 2);
  assert.equal(r.size, 0);
  assert.equal(r.wouldRegister("alice", "S1", 1), true);
});

test("both indexes stay consistent: a replaced instance is found by neither its SID nor a stale removal", () => {
  const r = new ParticipantRegistry<P>();
  const a1 = p("alice", "PA_1", 1);
  const a2 = p("alice", "PA_2", 2);
  r.register(a1);
  r.register(a2);
  assert.equal(r.getBySid("PA_1"), undefined);
  assert.equal(r.getBySid("PA_2"), a2);
  assert.equal(r.getByIdentity("alice"), a2);
  assert.equal(r.removeBySid("PA_9"), undefined);
  assert.equal(r.size, 1);
  assert.equal(r.removeBySid("PA_2"), a2);
  assert.equal(r.getByIdentity("alice"), undefined);
  assert.equal(r.size, 0);
});
