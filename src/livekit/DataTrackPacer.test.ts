import assert from "node:assert/strict";
import { test } from "node:test";
import { within } from "../../test/helpers/EventLog.js";
import type { DataTrackPushResult } from "./DataTrackFrame.js";
import { DataTrackPacer, type DataTrackPacerOptions } from "./DataTrackPacer.js";

/** A fake LiveKit track, a clock and a manual timer queue. */
function setup(options: Partial<DataTrackPacerOptions> = {}) {
  const pushed: { bytes: number[]; ts: bigint | undefined; at: number }[] = [];
  const results: DataTrackPushResult[] = [];
  let clock = 0;
  const sleeps: number[] = [];
  let timer: { fn: () => void; at: number } | undefined;
  const pacer = new DataTrackPacer(
    {
      tryPushWithHeader(header, payload, ts) {
        pushed.push({ bytes: [...(header ?? []), ...payload], ts, at: clock });
        return results.shift() ?? "sent";
      },
    },
    {
      minIntervalMs: 0.5,
      queueFullPauseMs: 2,
      burstGapMs: 0,
      now: () => clock,
      sleep: (ms) => {
        sleeps.push(ms);
        clock += ms;
      },
      schedule: (fn, ms) => {
        timer = { fn, at: clock + ms };
        return () => (timer = undefined);
      },
      ...options,
    },
  );
  return {
    pacer,
    pushed,
    results,
    sleeps,
    /** Advances the clock to `t`, running the timer when due. */
    advance(t: number) {
      while (timer !== undefined && timer.at <= t) {
        clock = Math.max(clock, timer.at);
        const { fn } = timer;
        timer = undefined;
        fn();
      }
      clock = t;
    },
    get timerArmed() {
      return timer !== undefined;
    },
  };
}

const bytes = (...b: number[]) => Uint8Array.from(b);

test("spaced frames are handed over at once, header before payload", () => {
  const s = setup();
  assert.equal(s.pacer.offer(bytes(9), bytes(1), 10n), "sent");
  s.advance(1);
  assert.equal(s.pacer.offer(undefined, bytes(2), 11n), "sent");
  assert.deepEqual(s.pushed, [
    { bytes: [9, 1], ts: 10n, at: 0 },
    { bytes: [2], ts: 11n, at: 1 },
  ]);
  assert.equal(s.timerArmed, false);
});

test("a burst is held and handed over one frame per interval, oldest first", () => {
  const s = setup();
  const header = bytes(0, 0);
  const payload = bytes(5);
  assert.equal(s.pacer.offer(header, payload, 1n), "sent");
  header[1] = 2; // the caller reuses its buffers: held frames are copies
  payload[0] = 6;
  assert.equal(s.pacer.offer(header, payload, 2n), "held");
  header[1] = 3;
  payload[0] = 7;
  assert.equal(s.pacer.offer(header, payload, 3n), "held");
  payload[0] = 99;
  assert.equal(s.pacer.held, 2);
  s.advance(0.4);
  assert.equal(s.pushed.length, 1);
  s.advance(0.5);
  assert.equal(s.pushed.length, 2);
  s.advance(2);
  assert.deepEqual(
    s.pushed.map((p) => [p.bytes, p.ts, p.at]),
    [
      [[0, 0, 5], 1n, 0],
      [[0, 2, 6], 2n, 0.5],
      [[0, 3, 7], 3n, 1],
    ],
  );
  assert.equal(s.pacer.held, 0);
  assert.equal(s.pacer.replaced, 0);
});

test("an offer after the interval hands over the oldest held frame and holds the new one", () => {
  const s = setup({ schedule: () => () => {} }); // a timer that never fires
  s.pacer.offer(undefined, bytes(1));
  s.pacer.offer(undefined, bytes(2));
  s.advance(0.6);
  assert.equal(s.pacer.offer(undefined, bytes(3)), "held");
  assert.deepEqual(
    s.pushed.map((p) => p.bytes),
    [[1], [2]],
  );
});

test("newest wins: a full queue drops its oldest frame without a native call", () => {
  const s = setup({ queueSize: 2 });
  s.pacer.offer(undefined, bytes(0));
  for (let i = 1; i <= 5; i++) {
    assert.equal(s.pacer.offer(undefined, bytes(i)), "held");
  }
  assert.equal(s.pushed.length, 1);
  assert.equal(s.pacer.replaced, 3);
  s.advance(5);
  assert.deepEqual(
    s.pushed.map((p) => p.bytes),
    [[0], [4], [5]],
  );
});

test("after a full LiveKit queue the pacer pauses before the next native call", () => {
  const s = setup();
  s.results.push("queueFull");
  assert.equal(s.pacer.offer(undefined, bytes(1)), "queueFull");
  s.advance(1);
  assert.equal(s.pacer.offer(undefined, bytes(2)), "held");
  assert.equal(s.pushed.length, 1);
  s.advance(2);
  assert.deepEqual(
    s.pushed.map((p) => [p.bytes, p.at]),
    [
      [[1], 0],
      [[2], 2],
    ],
  );
});

test("close drops held frames, stops the timer and refuses later offers", () => {
  const s = setup();
  s.pacer.offer(undefined, bytes(1));
  s.pacer.offer(undefined, bytes(2));
  s.pacer.close();
  assert.equal(s.timerArmed, false);
  s.advance(10);
  assert.equal(s.pushed.length, 1);
  assert.equal(s.pacer.offer(undefined, bytes(3)), "unpublished");
});

test("the default scheduler hands a held frame over without any further offer", async () => {
  const pushed: number[] = [];
  let secondPushed!: () => void;
  const second = new Promise<void>((resolve) => (secondPushed = resolve));
  const pacer = new DataTrackPacer({
    tryPushWithHeader(_header, payload) {
      pushed.push(payload[0]!);
      if (pushed.length === 2) secondPushed();
      return "sent";
    },
  });
  pacer.offer(undefined, bytes(1));
  pacer.offer(undefined, bytes(2));
  await within(second, 2000, "the held frame handed over");
  assert.deepEqual(pushed, [1, 2]);
});

test("overloaded (a full queue dropped a frame), frames go out at the short interval until empty", () => {
  const s = setup({ queueSize: 2, overloadIntervalMs: 0.1 });
  s.pacer.offer(undefined, bytes(0)); // sent at 0
  s.pacer.offer(undefined, bytes(1));
  s.pacer.offer(undefined, bytes(2));
  s.pacer.offer(undefined, bytes(3)); // drops 1: overloaded
  assert.equal(s.pacer.replaced, 1);
  s.advance(0.1);
  s.advance(0.2);
  assert.deepEqual(
    s.pushed.map((p) => [p.bytes, p.at]),
    [
      [[0], 0],
      [[2], 0.1],
      [[3], 0.2],
    ],
  );
  s.advance(1);
  s.pacer.offer(undefined, bytes(4)); // empty again: back to the normal interval
  s.pacer.offer(undefined, bytes(5));
  s.advance(1.4);
  assert.equal(s.pushed.length, 4);
  s.advance(1.5);
  assert.equal(s.pushed.length, 5);
});

test("a burst goes to LiveKit spaced by burstGapMs, by sleeping, not by holding", () => {
  const s = setup({ minIntervalMs: 0, burstGapMs: 0.6 });
  assert.equal(s.pacer.offer(undefined, bytes(1)), "sent");
  assert.equal(s.pacer.offer(undefined, bytes(2)), "sent");
  s.advance(1.0); // 0.4 ms after the second push
  assert.equal(s.pacer.offer(undefined, bytes(3)), "sent");
  s.advance(5);
  assert.equal(s.pacer.offer(undefined, bytes(4)), "sent"); // spaced: no sleep
  assert.deepEqual(
    s.sleeps.map((ms) => Math.round(ms * 10) / 10),
    [0.6, 0.2],
  );
  assert.deepEqual(
    s.pushed.map((p) => [p.bytes[0], Math.round(p.at * 10) / 10]),
    [
      [1, 0],
      [2, 0.6],
      [3, 1.2],
      [4, 5],
    ],
  );
  assert.equal(s.pacer.held, 0);
  assert.equal(s.timerArmed, false);
});

test("maxBurstWaits bounds the sleeping of one burst; a spaced frame resets it", () => {
  const s = setup({ minIntervalMs: 0, burstGapMs: 0.5, maxBurstWaits: 2 });
  for (let i = 0; i < 5; i++) assert.equal(s.pacer.offer(undefined, bytes(i)), "sent");
  assert.deepEqual(s.sleeps, [0.5, 0.5]); // frames 1 and 2 waited, 3 and 4 went at once
  assert.deepEqual(
    s.pushed.map((p) => p.at),
    [0, 0.5, 1, 1, 1],
  );
  s.advance(2);
  s.pacer.offer(undefined, bytes(5)); // spaced
  s.pacer.offer(undefined, bytes(6)); // a new burst may sleep again
  assert.deepEqual(s.sleeps, [0.5, 0.5, 0.5]);
});

test("held frames (after a full queue) go out by timer without sleeping; gap 0 never sleeps", () => {
  const overloaded = setup({ minIntervalMs: 0, burstGapMs: 0.6, queueSize: 1 });
  overloaded.results.push("queueFull");
  assert.equal(overloaded.pacer.offer(undefined, bytes(1)), "queueFull");
  // Paused after the full queue: held, then the queue of one overflows (overloaded).
  assert.equal(overloaded.pacer.offer(undefined, bytes(2)), "held");
  assert.equal(overloaded.pacer.offer(undefined, bytes(3)), "held");
  overloaded.advance(2.05);
  assert.equal(overloaded.pacer.held, 0);
  assert.deepEqual(overloaded.sleeps, []);
  const off = setup({ minIntervalMs: 0, burstGapMs: 0 });
  for (let i = 0; i < 3; i++) off.pacer.offer(undefined, bytes(i));
  assert.deepEqual(off.sleeps, []);
  assert.equal(off.pushed.length, 3);
});

test("the default sleep waits for real (Atomics.wait), about burstGapMs", () => {
  const pushedAt: number[] = [];
  const pacer = new DataTrackPacer({
    tryPushWithHeader() {
      pushedAt.push(performance.now());
      return "sent";
    },
  });
  pacer.offer(undefined, bytes(1));
  pacer.offer(undefined, bytes(2));
  assert.equal(pushedAt.length, 2);
  assert.ok(pushedAt[1]! - pushedAt[0]! >= 0.55, `gap ${pushedAt[1]! - pushedAt[0]!} ms`);
});
