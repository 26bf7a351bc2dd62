import assert from "node:assert/strict";
import { test } from "node:test";
import { ParticipantRegistry } from "./ParticipantRegistry.js";
import type { RemoteParticipantInfo } from "./RemoteParticipantInfo.js";

const info = (
  identity: string,
  sid: string,
  state: RemoteParticipantInfo["state"],
): RemoteParticipantInfo => ({
  identity,
  sid,
  name: "",
  attributes: { protocolVersion: "2.2.0" },
  state,
  joinedAtMs: 0,
});
const kinds = (events: { type: string; participant: RemoteParticipantInfo }[]) =>
  events.map((e) => `${e.type}:${e.participant.identity}:${e.participant.sid}`);

test("a participant already active when seen emits connected then active", () => {
  const r = new ParticipantRegistry();
  assert.deepEqual(kinds(r.connected(info("v", "PA_1", "active"))), [
    "connected:v:PA_1",
    "active:v:PA_1",
  ]);
  assert.deepEqual(r.active("v"), [], "no duplicate from an explicit ParticipantActive");
  assert.equal(r.isActive("v"), true);
});

test("a joining participant becomes active once, via event or state update", () => {
  const r = new ParticipantRegistry();
  assert.deepEqual(kinds(r.connected(info("v", "PA_1", "joined"))), ["connected:v:PA_1"]);
  assert.equal(r.isActive("v"), false);
  assert.deepEqual(kinds(r.updated([info("v", "PA_1", "active")])), ["active:v:PA_1"]);
  assert.deepEqual(r.active("v"), []);
  assert.deepEqual(r.updated([info("v", "PA_1", "active")]), []);
  assert.equal(r.get("v")?.state, "active");
});

test("unknown identities and other instances are ignored by active and updated", () => {
  const r = new ParticipantRegistry();
  assert.deepEqual(r.active("ghost"), []);
  r.connected(info("v", "PA_1", "joined"));
  assert.deepEqual(r.updated([info("v", "PA_other", "active")]), []);
  assert.deepEqual(r.updated([info("local", "PA_9", "active")]), []);
  assert.deepEqual(r.disconnected("ghost"), []);
});

test("a newer instance of the same identity disconnects the older one first", () => {
  const r = new ParticipantRegistry();
  r.connected(info("v", "PA_1", "active"));
  const events = r.connected(info("v", "PA_2", "joined"));
  assert.deepEqual(kinds(events), ["disconnected:v:PA_1", "connected:v:PA_2"]);
  assert.equal(events[0]?.participant.disconnectReason, "DUPLICATE_IDENTITY");
  assert.deepEqual(kinds(r.active("v")), ["active:v:PA_2"]);
});

test("disconnect removes the participant and reports the reason; snapshots are frozen", () => {
  const r = new ParticipantRegistry();
  r.connected(info("v", "PA_1", "active"));
  const snapshot = r.get("v")!;
  assert.ok(Object.isFrozen(snapshot) && Object.isFrozen(snapshot.attributes));
  const [ev] = r.disconnected("v", "CLIENT_INITIATED");
  assert.equal(ev?.type, "disconnected");
  assert.equal(ev?.participant.state, "disconnected");
  assert.equal(ev?.participant.disconnectReason, "CLIENT_INITIATED");
  assert.equal(r.get("v"), undefined);
  assert.deepEqual(r.list(), []);
});
