import assert from "node:assert/strict";
import { test } from "node:test";
import {
  initialVideoPublisherState,
  stepVideoPublisher,
  type VideoPublisherCommand,
  type VideoPublisherEvent,
  type VideoPublisherState,
} from "./videoPublisherState.js";

type S = VideoPublisherState<string>;

function run(events: VideoPublisherEvent<string>[], start: S = initialVideoPublisherState()) {
  let state = start;
  const commands: VideoPublisherCommand<string>[] = [];
  for (const event of events) {
    const out = stepVideoPublisher(state, event);
    state = out.state;
    commands.push(...out.commands);
  }
  return { state, commands };
}

const frame = (message: string): VideoPublisherEvent<string> => ({
  kind: "frame",
  frame: { message, logTimeNs: 1n },
});
const converted = (sourceEncoding = "rgb8", frameId = "cam"): VideoPublisherEvent<string> => ({
  kind: "converted",
  source: { sourceEncoding, frameId },
});
const kinds = (commands: VideoPublisherCommand<string>[]) =>
  commands.map((c) => (c.kind === "convert" ? `convert ${c.frame.message}` : c.kind));

test("a frame is converted at once when idle and captured once the track is live", () => {
  const { commands } = run([{ kind: "published" }, frame("a"), converted()]);
  assert.deepEqual(kinds(commands), ["convert a", "capture", "reportSource"]);
});

test("frames converted before the track is live are not captured, but report the source", () => {
  const { commands } = run([
    frame("a"),
    converted(),
    { kind: "published" },
    frame("b"),
    converted(),
  ]);
  assert.deepEqual(kinds(commands), ["convert a", "reportSource", "convert b", "capture"]);
});

test("the latest frame wins while a conversion runs; stale ones are dropped", () => {
  const { state, commands } = run([
    { kind: "published" },
    frame("a"),
    frame("b"),
    frame("c"),
    frame("d"),
  ]);
  assert.deepEqual(kinds(commands), ["convert a"]);
  assert.equal(state.pending?.message, "d");
  assert.equal(state.dropped, 2);
  const after = run([converted()], state);
  assert.deepEqual(kinds(after.commands), ["capture", "reportSource", "convert d"]);
  assert.equal(after.state.pending, undefined);
  assert.equal(after.state.converting, true);
});

test("the source is reported again only when it changes", () => {
  const { commands } = run([
    { kind: "published" },
    frame("a"),
    converted("rgb8", "cam"),
    frame("b"),
    converted("rgb8", "cam"),
    frame("c"),
    converted("jpeg", "cam"),
    frame("d"),
    converted("jpeg", "other"),
  ]);
  assert.equal(kinds(commands).filter((k) => k === "reportSource").length, 3);
});

test("a failed conversion moves on to the pending frame", () => {
  const { commands } = run([
    { kind: "published" },
    frame("a"),
    frame("b"),
    { kind: "convertFailed" },
  ]);
  assert.deepEqual(kinds(commands), ["convert a", "convert b"]);
});

test("close of a live track unpublishes it and ignores later frames and conversions", () => {
  const { state, commands } = run([
    { kind: "published" },
    frame("a"),
    frame("b"),
    { kind: "close" },
    converted(),
    frame("c"),
  ]);
  assert.deepEqual(kinds(commands), ["convert a", "unpublish"]);
  assert.equal(state.track, "closed");
  assert.equal(state.pending, undefined);
});

test("close while the publish is in flight unpublishes the track when it lands (no orphan)", () => {
  const closed = run([frame("a"), { kind: "close" }]);
  assert.deepEqual(kinds(closed.commands), ["convert a"]);
  const landed = run([{ kind: "published" }], closed.state);
  assert.deepEqual(kinds(landed.commands), ["unpublish"]);
  assert.equal(landed.state.track, "closed");
});

test("a failed publish keeps converting (for the metadata) and close has nothing to unpublish", () => {
  const { state, commands } = run([
    { kind: "publishFailed" },
    frame("a"),
    converted(),
    { kind: "close" },
  ]);
  assert.deepEqual(kinds(commands), ["convert a", "reportSource"]);
  assert.equal(state.track, "closed");
  assert.deepEqual(kinds(run([{ kind: "publishFailed" }], state).commands), []);
});
