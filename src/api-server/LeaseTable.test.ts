import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { LeaseTable } from "./LeaseTable.js";

const S = 1_000_000_000n;

function table(): LeaseTable {
  let n = 0;
  return new LeaseTable({ ttlNs: 15n * S, newId: () => `L${++n}`, maxEnded: 8 });
}

function grant(
  t: LeaseTable,
  device: string,
  prev: string | undefined,
  open: boolean,
  now: bigint,
) {
  const result = t.open(device, prev, open, now);
  assert.ok(result.ok, "expected a lease");
  return result;
}

describe("LeaseTable", () => {
  test("a device without a lease gets one that expires after the ttl", () => {
    const t = table();
    const { lease, ended } = grant(t, "d", undefined, false, 0n);
    assert.equal(lease.id, "L1");
    assert.equal(ended, undefined);
    assert.equal(t.active("d"), lease);
    assert.equal(t.nextExpiry(), 15n * S);
  });

  test("a second watch while the holder's stream is open is a conflict", () => {
    const t = table();
    grant(t, "d", undefined, true, 0n);
    const result = t.open("d", undefined, true, S);
    assert.equal(result.ok, false);
    assert.equal(t.open("d", "someone-else", true, S).ok, false);
    assert.equal(t.active("d")?.id, "L1");
  });

  test("naming the active lease hands it over, even while its stream is open", () => {
    const t = table();
    grant(t, "d", undefined, true, 0n);
    const { lease, ended } = grant(t, "d", "L1", true, S);
    assert.equal(lease.id, "L2");
    assert.deepEqual(ended, { id: "L1", deviceId: "d", reason: "handedOver", successor: "L2" });
    // A late heartbeat of the old lease is "gone", not a conflict: it is the same gateway.
    assert.equal(t.heartbeat("d", "L1", 2n * S), "gone");
    assert.equal(t.heartbeat("d", "L2", 2n * S), "ok");
  });

  test("a watch after the holder's stream closed supersedes it; the old holder then conflicts", () => {
    const t = table();
    grant(t, "d", undefined, true, 0n);
    const { ended } = grant(t, "d", undefined, false, S);
    assert.equal(ended?.reason, "superseded");
    assert.equal(t.heartbeat("d", "L1", 2n * S), "conflict");
  });

  test("hand-over chains: a heartbeat of any ancestor is gone", () => {
    const t = table();
    grant(t, "d", undefined, true, 0n);
    grant(t, "d", "L1", true, S);
    grant(t, "d", "L2", true, 2n * S);
    assert.equal(t.heartbeat("d", "L1", 3n * S), "gone");
    assert.equal(t.heartbeat("d", "L2", 3n * S), "gone");
  });

  test("heartbeats renew; a missed ttl expires the lease", () => {
    const t = table();
    grant(t, "d", undefined, true, 0n);
    assert.equal(t.heartbeat("d", "L1", 10n * S), "ok");
    assert.equal(t.nextExpiry(), 25n * S);
    assert.deepEqual(t.expire(24n * S), []);
    const expired = t.expire(25n * S);
    assert.deepEqual(
      expired.map((e) => [e.id, e.reason]),
      [["L1", "expired"]],
    );
    assert.equal(t.active("d"), undefined);
    assert.equal(t.heartbeat("d", "L1", 26n * S), "gone");
  });

  test("a heartbeat at or past expiry is gone even before expire() ran", () => {
    const t = table();
    grant(t, "d", undefined, true, 0n);
    assert.equal(t.heartbeat("d", "L1", 15n * S), "gone");
    assert.equal(t.ended("L1")?.reason, "expired");
  });

  test("an expired holder is replaced without conflict, with or without the previous lease", () => {
    const t = table();
    grant(t, "d", undefined, true, 0n);
    const { lease, ended } = grant(t, "d", undefined, true, 20n * S);
    assert.equal(lease.id, "L2");
    assert.equal(ended?.reason, "expired");
  });

  test("unknown leases: gone without an active lease, conflict with one", () => {
    const t = table();
    assert.equal(t.heartbeat("d", "nope", 0n), "gone");
    grant(t, "d", undefined, true, 0n);
    assert.equal(t.heartbeat("d", "nope", 0n), "conflict");
  });

  test("leases are per device", () => {
    const t = table();
    grant(t, "a", undefined, true, 0n);
    const b = grant(t, "b", undefined, true, 0n);
    assert.equal(b.lease.id, "L2");
    assert.equal(t.heartbeat("b", "L1", S), "conflict", "a's lease is not b's");
  });

  test("end() ends with a reason; ended leases are remembered up to maxEnded", () => {
    const t = table();
    grant(t, "d", undefined, true, 0n);
    assert.equal(t.end("d", "woken")?.reason, "woken");
    assert.equal(t.end("d", "woken"), undefined);
    for (let i = 0; i < 20; i++) {
      grant(t, "d", undefined, true, 0n);
      t.end("d", "revoked");
    }
    assert.equal(t.ended("L1"), undefined, "oldest forgotten");
    assert.equal(t.ended("L21")?.reason, "revoked");
  });

  test("default ids look like rwl_<hex> and are unique", () => {
    const t = new LeaseTable({ ttlNs: S });
    const a = t.open("a", undefined, false, 5n).ok;
    assert.ok(a);
    const ids = new Set([t.active("a")?.id]);
    t.open("b", undefined, false, 5n);
    ids.add(t.active("b")?.id);
    assert.equal(ids.size, 2);
    for (const id of ids) assert.match(id ?? "", /^rwl_[0-9a-f]+$/);
  });

  test("a non-positive ttl is refused", () => {
    assert.throws(() => new LeaseTable({ ttlNs: 0n }), RangeError);
  });
});
