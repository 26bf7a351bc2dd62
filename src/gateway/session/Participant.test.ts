import assert from "node:assert/strict";
import { test } from "node:test";
import { within } from "../../../test/helpers/EventLog.js";
import { setLogger } from "../../core/logger.js";
import {
  decodeServerFrame,
  FrameDecoder,
  parseSemVer,
  type ServerMessage,
} from "../../protocol/index.js";
import { Participant, sharedFrameEncoder } from "./Participant.js";
import { PendingResets } from "./PendingResets.js";

/** A recording control stream whose writes can be made to fail or to hang. */
class FakeStream {
  readonly writes: Uint8Array[] = [];
  attempts = 0;
  fail = false;
  hang = false;
  #waiters: (() => void)[] = [];

  write = async (frames: readonly Uint8Array[]): Promise<void> => {
    this.attempts++;
    if (this.fail) {
      throw new Error("stream closed by peer");
    }
    if (this.hang) {
      return await new Promise<void>(() => undefined);
    }
    this.writes.push(new Uint8Array(Buffer.concat(frames)));
    this.#waiters.splice(0).forEach((w) => w());
  };

  /** Resolves once `n` writes have happened. */
  async written(n: number): Promise<void> {
    while (this.writes.length < n) {
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
  }
}

setLogger(undefined); // the failure paths log warnings by design

const frame = (n: number) => new Uint8Array([n]);
const make = (sid: string, resets = new PendingResets(), extra: object = {}) =>
  new Participant({ identity: `id-${sid}`, sid, joinedAt: 1, pendingResets: resets, ...extra });

test("the flush task delivers queued messages in order", async () => {
  const p = make("S1");
  const stream = new FakeStream();
  void p.startFlush(stream.write, 1);
  p.sendControl(frame(1));
  p.sendControl(frame(2));
  await within(stream.written(2), 1000, "settled");
  assert.deepEqual(stream.writes, [frame(1), frame(2)]);
  await p.close();
});

test("frames queued together are written as one batch", async () => {
  const p = make("S1");
  const stream = new FakeStream();
  p.sendControl(frame(1));
  p.sendControl(frame(2));
  p.sendControl(frame(3));
  void p.startFlush(stream.write);
  await within(stream.written(1), 1000, "settled");
  assert.deepEqual(stream.writes[0], new Uint8Array([1, 2, 3]));
  await p.close();
});

test("the flush task stops when the participant is closed", async () => {
  const p = make("S1");
  const done = p.startFlush(new FakeStream().write);
  await p.close();
  assert.deepEqual(await within(done, 1000, "settled"), { reason: "aborted" });
});

test("the flush task stops when the session signal is cancelled, even mid-write", async () => {
  const session = new AbortController();
  const p = make("S1", new PendingResets(), { signal: session.signal });
  const stream = new FakeStream();
  stream.hang = true;
  const done = p.startFlush(stream.write);
  p.sendControl(frame(1));
  session.abort();
  assert.deepEqual(await within(done, 1000, "settled"), { reason: "aborted" });
  assert.equal(p.signal.aborted, true);
});

test("flush tasks are independent: ending one does not affect another", async () => {
  const a = make("S1");
  const b = make("S2");
  const sa = new FakeStream();
  const sb = new FakeStream();
  const doneA = a.startFlush(sa.write);
  void b.startFlush(sb.write);
  await a.close();
  await doneA;
  b.sendControl(frame(9));
  await within(sb.written(1), 1000, "settled");
  assert.deepEqual(sb.writes, [frame(9)]);
  assert.equal(a.sendControl(frame(1)), "closed");
  await b.close();
});

test("a write failure ends the task after one attempt and requests a reset", async () => {
  const resets = new PendingResets();
  const p = make("S7", resets);
  const stream = new FakeStream();
  stream.fail = true;
  const done = p.startFlush(stream.write, 1);
  p.sendControl(frame(1));
  p.sendControl(frame(2));
  const end = await within(done, 1000, "settled");
  assert.equal(end.reason, "writeFailed");
  assert.equal(stream.attempts, 1);
  assert.deepEqual(resets.drain(), ["S7"]);
  await p.close();
});

test("sendControl reports full at capacity, cancels the viewer and requests its reset", () => {
  let notified = 0;
  const resets = new PendingResets(() => notified++);
  const p = make("S3", resets, { messageBacklogSize: 1 });
  assert.equal(p.sendControl(frame(1)), "queued");
  assert.equal(p.sendControl(frame(2)), "full");
  assert.equal(p.signal.aborted, true);
  assert.equal(p.sendControl(frame(3)), "closed"); // no second warning or reset request
  assert.equal(notified, 1);
  assert.deepEqual(resets.drain(), ["S3"]);
});

test("sendControl on a closed participant drops silently without a reset", async () => {
  const resets = new PendingResets();
  const p = make("S4", resets);
  await p.close();
  assert.equal(p.sendControl(frame(1)), "closed");
  assert.equal(resets.size, 0);
});

test("participants get distinct increasing client IDs", () => {
  const a = make("S5");
  const b = make("S6");
  assert.ok(b.clientId > a.clientId && a.clientId >= 1);
  assert.equal(a.name, a.identity);
});

test("a shared frame encoder encodes a broadcast message once", () => {
  const encode = sharedFrameEncoder();
  const message: ServerMessage = { op: "removeStatus", statusIds: ["x"] };
  const first = encode(message);
  assert.equal(encode(message), first);
  assert.deepEqual(decodeServerFrame(new FrameDecoder().push(first)[0]!), message);
  assert.notEqual(encode({ ...message }), first);
});

test("a participant created under an aborted session starts cancelled", () => {
  const session = new AbortController();
  session.abort();
  assert.equal(make("S8", new PendingResets(), { signal: session.signal }).signal.aborted, true);
});

test("pending resets are drained once, in request order, without duplicates", () => {
  const resets = new PendingResets();
  resets.request("B");
  resets.request("A");
  resets.request("B");
  assert.equal(resets.has("A"), true);
  assert.deepEqual(resets.drain(), ["B", "A"]);
  assert.deepEqual(resets.drain(), []);
});

test("2.3.0 viewers get their own schema-table advertise; older viewers the shared inline frame", async () => {
  const encode = sharedFrameEncoder();
  const alice = make("A1", new PendingResets(), { encode, protocolVersion: parseSemVer("2.3.0") });
  const bob = make("B1", new PendingResets(), { encode, protocolVersion: parseSemVer("2.4.1") });
  const carol = make("C1", new PendingResets(), { encode, protocolVersion: parseSemVer("2.2.0") });
  const rc = make("D1", new PendingResets(), {
    encode,
    protocolVersion: parseSemVer("2.3.0-rc.1"),
  });
  assert.deepEqual(
    [alice, bob, carol, rc].map((p) => p.usesSchemaTable),
    [true, true, false, false],
  );
  assert.deepEqual(make("E1").protocolVersion, parseSemVer("2.2.0"), "absent attribute");
  assert.equal(bob.protocolVersion.minor, 4);
  const streams = [alice, bob, carol, rc].map((p) => {
    const s = new FakeStream();
    void p.startFlush(s.write);
    return s;
  });
  const channel = (id: number, schemaName: string) => ({
    id,
    topic: `/t${id}`,
    encoding: "json",
    schemaName,
    schemaEncoding: "jsonschema",
    schema: "{}",
  });
  const first: ServerMessage = { op: "advertise", channels: [channel(1, "A"), channel(2, "A")] };
  const second: ServerMessage = { op: "advertise", channels: [channel(3, "A"), channel(4, "B")] };
  for (const m of [first, second]) for (const p of [alice, bob, carol, rc]) p.send(m);
  const received = async (s: FakeStream) => {
    const decode = () => {
      const decoder = new FrameDecoder();
      return s.writes.flatMap((w) => decoder.push(w)).map(decodeServerFrame);
    };
    while (decode().length < 2) await s.written(s.writes.length + 1);
    return decode();
  };
  const [a, , c, d] = await Promise.all(streams.map(received));
  assert.deepEqual(a, [
    {
      op: "advertise",
      schemas: [{ id: 1, name: "A", encoding: "jsonschema", data: "{}" }],
      channels: [
        { id: 1, topic: "/t1", encoding: "json", schemaId: 1 },
        { id: 2, topic: "/t2", encoding: "json", schemaId: 1 },
      ],
    },
    {
      op: "advertise",
      schemas: [{ id: 2, name: "B", encoding: "jsonschema", data: "{}" }],
      channels: [
        { id: 3, topic: "/t3", encoding: "json", schemaId: 1 },
        { id: 4, topic: "/t4", encoding: "json", schemaId: 2 },
      ],
    },
  ]);
  assert.deepEqual(c, [first, second]);
  assert.deepEqual(d, [first, second]);
  // a reset replaces the participant: the new connection's table starts again from 1
  const again = make("A2", new PendingResets(), { encode, protocolVersion: parseSemVer("2.3.0") });
  const s = new FakeStream();
  void again.startFlush(s.write);
  again.send(second);
  await s.written(1);
  const [fresh] = s.writes.flatMap((w) => new FrameDecoder().push(w)).map(decodeServerFrame);
  assert.ok(fresh?.op === "advertise" && "schemas" in fresh);
  assert.deepEqual(
    fresh.schemas.map((x) => [x.id, x.name]),
    [
      [1, "A"],
      [2, "B"],
    ],
  );
  await Promise.all([alice, bob, carol, rc, again].map((p) => p.close()));
});
