import assert from "node:assert/strict";
import { test } from "node:test";
import { setLogger } from "../../core/logger.js";
import { decodeDataTrackFrame } from "../../protocol/index.js";
import { LossyDataTracks, type PublishedDataTrack } from "./LossyDataTracks.js";

setLogger(undefined);

class FakeTrack implements PublishedDataTrack {
  readonly frames: { payload: Uint8Array; ts: bigint }[] = [];
  accept: boolean | "throw" = true;
  unpublished = 0;
  constructor(readonly name: string) {}
  tryPush(header: Uint8Array, data: Uint8Array, ts: bigint): boolean {
    if (this.accept === "throw") {
      throw new Error("queue closed");
    }
    if (this.accept) {
      this.frames.push({ payload: Uint8Array.from([...header, ...data]), ts });
    }
    return this.accept;
  }
  async unpublish(): Promise<void> {
    this.unpublished++;
    await Promise.resolve();
  }
}

/** A controllable publish function: each call waits for `resolveNext` or `rejectNext`. */
function publisher() {
  const pending: { name: string; resolve: (t: FakeTrack) => void; reject: (e: unknown) => void }[] =
    [];
  const waiters: (() => void)[] = [];
  return {
    pending,
    publish: (name: string) =>
      new Promise<FakeTrack>((resolve, reject) => {
        pending.push({ name, resolve, reject });
        waiters.splice(0).forEach((w) => w());
      }),
    async next() {
      while (pending.length === 0) {
        await new Promise<void>((r) => waiters.push(r));
      }
      return pending.shift()!;
    },
  };
}

function setup(extra: { maxMessageSize?: number } = {}) {
  const session = new AbortController();
  const pub = publisher();
  const delays: number[] = [];
  const tracks = new LossyDataTracks<FakeTrack>({
    publish: pub.publish,
    isDuplicateName: (e) => e instanceof Error && e.message === "duplicate",
    signal: session.signal,
    delay: async (ms) => {
      delays.push(ms);
      await Promise.resolve();
    },
    ...extra,
  });
  return { session, pub, delays, tracks };
}

test("a track is published as data-ch-<id>; frames carry sequence numbers and the log time", async () => {
  const { pub, tracks } = setup();
  tracks.open(7);
  const call = await pub.next();
  assert.equal(call.name, "data-ch-7");
  assert.equal(tracks.push(7, new Uint8Array([1]), 5n), undefined); // not published yet: dropped
  const track = new FakeTrack(call.name);
  call.resolve(track);
  await new Promise<void>((r) => setImmediate(r));
  assert.equal(tracks.isPublished(7), true);
  tracks.push(7, new Uint8Array([8, 0x96, 1]), 100n);
  tracks.push(7, new Uint8Array([2]), 101n);
  const decoded = track.frames.map((f) => decodeDataTrackFrame(f.payload));
  assert.deepEqual(
    decoded.map((f) => [f.sequence, [...f.data]]),
    [
      [0, [8, 0x96, 1]],
      [1, [2]],
    ],
  );
  assert.deepEqual(
    track.frames.map((f) => f.ts),
    [100n, 101n],
  );
  assert.equal(tracks.push(99, new Uint8Array([1]), 0n), undefined); // unknown channel
});

test("failed publishes retry with backoff doubling from 100 ms up to 3 s", async () => {
  const { pub, tracks, delays } = setup();
  tracks.open(1);
  (await pub.next()).reject(new Error("duplicate"));
  for (let i = 0; i < 7; i++) {
    (await pub.next()).reject(new Error("sfu says no"));
  }
  const last = await pub.next();
  last.resolve(new FakeTrack(last.name));
  assert.deepEqual(delays, [100, 200, 400, 800, 1600, 3000, 3000, 3000]);
});

test("oversized messages return a drop report and are never pushed", async () => {
  const { pub, tracks } = setup({ maxMessageSize: 1200 });
  tracks.open(1);
  const call = await pub.next();
  const track = new FakeTrack(call.name);
  call.resolve(track);
  await new Promise<void>((r) => setImmediate(r));
  assert.deepEqual(tracks.push(1, new Uint8Array(1201), 1n), {
    droppedSinceLast: 1,
    sizeLimit: 1200,
    lastSize: 1201,
  });
  assert.equal(tracks.push(1, new Uint8Array(1200), 1n), undefined);
  assert.equal(track.frames.length, 1);
  assert.equal(decodeDataTrackFrame(track.frames[0]!.payload).sequence, 0);
});

test("a refused or throwing push drops the frame but consumes its sequence number", async () => {
  const { pub, tracks } = setup();
  tracks.open(1);
  const call = await pub.next();
  const track = new FakeTrack(call.name);
  call.resolve(track);
  await new Promise<void>((r) => setImmediate(r));
  track.accept = false;
  tracks.push(1, new Uint8Array([1]), 1n);
  track.accept = "throw";
  tracks.push(1, new Uint8Array([2]), 2n);
  track.accept = true;
  tracks.push(1, new Uint8Array([3]), 3n);
  assert.deepEqual(
    track.frames.map((f) => decodeDataTrackFrame(f.payload).sequence),
    [2],
  );
});

test("closing unpublishes a published track, and one that finishes publishing after close", async () => {
  const { pub, tracks } = setup();
  tracks.open(1);
  tracks.open(2);
  const c1 = await pub.next();
  const t1 = new FakeTrack(c1.name);
  c1.resolve(t1);
  await new Promise<void>((r) => setImmediate(r));
  const c2 = await pub.next();
  tracks.close(1);
  tracks.close(2); // still publishing
  const t2 = new FakeTrack(c2.name);
  c2.resolve(t2);
  await tracks.closeAll();
  assert.equal(t1.unpublished, 1);
  assert.equal(t2.unpublished, 1);
  assert.equal(tracks.isPublished(1), false);
  assert.equal(tracks.push(1, new Uint8Array([1]), 1n), undefined);
  assert.equal(t1.frames.length, 0);
});

test("aborting the session stops retries", async () => {
  const { pub, tracks, session, delays } = setup();
  tracks.open(1);
  const call = await pub.next();
  session.abort();
  call.reject(new Error("sfu says no"));
  await tracks.closeAll();
  assert.deepEqual(delays, []);
  assert.equal(pub.pending.length, 0);
  tracks.open(2); // a closed session opens nothing
  assert.equal(pub.pending.length, 0);
});
