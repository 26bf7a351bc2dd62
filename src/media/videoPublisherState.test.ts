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
const converted = (
  sourceEncoding = "rgb8",
  frameId = "cam",
  width = 640,
  height = 480,
): VideoPublisherEvent<string> => ({
  kind: "converted",
  source: { sourceEncoding, frameId },
  width,
  height,
});
const kinds = (commands: VideoPublisherCommand<string>[]) =>
  commands.map((c) =>
    c.kind === "convert"
      ? `convert ${c.frame.message}`
      : c.kind === "publish" || c.kind === "republish"
        ? `${c.kind} ${c.width}x${c.height}`
        : c.kind,
  );

/** A publisher whose track is live (its first frame converted and published). */
const live = () => run([frame("first"), converted(), { kind: "published" }]).state;

test("the track is published with the size of the first converted frame, which is then sent", () => {
  const { state, commands } = run([frame("a"), converted(), { kind: "published" }]);
  assert.deepEqual(kinds(commands), ["convert a", "publish 640x480", "reportSource", "capture"]);
  assert.equal(state.track, "live");
});

test("frames converted while the publish is in flight are not captured", () => {
  const { commands } = run([frame("a"), converted(), frame("b"), converted()]);
  assert.deepEqual(kinds(commands), ["convert a", "publish 640x480", "reportSource", "convert b"]);
});

test("a live track gets every converted frame", () => {
  const { commands } = run([frame("a"), converted(), frame("b"), converted()], live());
  assert.deepEqual(kinds(commands), ["convert a", "capture", "convert b", "capture"]);
});

test("the latest frame wins while a conversion runs; stale ones are dropped", () => {
  const { state, commands } = run([frame("a"), frame("b"), frame("c"), frame("d")], live());
  assert.deepEqual(kinds(commands), ["convert a"]);
  assert.equal(state.pending?.message, "d");
  assert.equal(state.dropped, 2);
  const after = run([converted()], state);
  assert.deepEqual(kinds(after.commands), ["capture", "convert d"]);
  assert.equal(after.state.pending, undefined);
  assert.equal(after.state.converting, true);
});

test("the source is reported again only when it changes", () => {
  const { commands } = run([
    frame("a"),
    converted("rgb8", "cam"),
    { kind: "published" },
    frame("b"),
    converted("rgb8", "cam"),
    frame("c"),
    converted("jpeg", "cam"),
    frame("d"),
    converted("jpeg", "other"),
  ]);
  assert.equal(kinds(commands).filter((k) => k === "reportSource").length, 3);
});

test("a failed conversion moves on to the pending frame and publishes nothing", () => {
  const { state, commands } = run([frame("a"), frame("b"), { kind: "convertFailed" }]);
  assert.deepEqual(kinds(commands), ["convert a", "convert b"]);
  assert.equal(state.track, "waiting");
});

test("close of a live track unpublishes it and ignores later frames and conversions", () => {
  const { state, commands } = run(
    [frame("a"), frame("b"), { kind: "close" }, converted(), frame("c")],
    live(),
  );
  assert.deepEqual(kinds(commands), ["convert a", "unpublish"]);
  assert.equal(state.track, "closed");
  assert.equal(state.pending, undefined);
});

test("close before the first frame publishes nothing", () => {
  const { state, commands } = run([frame("a"), { kind: "close" }, converted()]);
  assert.deepEqual(kinds(commands), ["convert a"]);
  assert.equal(state.track, "closed");
});

test("close while the publish is in flight unpublishes the track when it lands (no orphan)", () => {
  const closed = run([frame("a"), converted(), { kind: "close" }]);
  assert.deepEqual(kinds(closed.commands), ["convert a", "publish 640x480", "reportSource"]);
  const landed = run([{ kind: "published" }], closed.state);
  assert.deepEqual(kinds(landed.commands), ["unpublish"]);
  assert.equal(landed.state.track, "closed");
});

test("a failed publish keeps converting (for the metadata) and close has nothing to unpublish", () => {
  const failed = run([frame("a"), converted(), { kind: "publishFailed" }]).state;
  const { state, commands } = run([frame("b"), converted("jpeg"), { kind: "close" }], failed);
  assert.deepEqual(kinds(commands), ["convert b", "reportSource"]);
  assert.equal(state.track, "closed");
  assert.deepEqual(kinds(run([{ kind: "publishFailed" }], state).commands), []);
});

test("a frame larger than the track was published for has it published again, then sent", () => {
  const { state, commands } = run(
    [
      frame("smaller"),
      converted("rgb8", "cam", 320, 240),
      frame("wider"),
      converted("rgb8", "cam", 1280, 480),
      frame("during"),
      converted("rgb8", "cam", 1280, 480),
      { kind: "published" },
      frame("taller"),
      converted("rgb8", "cam", 640, 720),
    ],
    live(),
  );
  assert.deepEqual(kinds(commands), [
    "convert smaller",
    "capture",
    "convert wider",
    "republish 1280x480",
    "convert during",
    "capture",
    "convert taller",
    "republish 640x720",
  ]);
  assert.equal(state.track, "publishing");
  assert.deepEqual(state.size, { width: 640, height: 720 });
});

test("closing while a republish is in flight unpublishes the new track when it lands", () => {
  const { state, commands } = run(
    [frame("big"), converted("rgb8", "cam", 1920, 1080), { kind: "close" }, { kind: "published" }],
    live(),
  );
  assert.deepEqual(kinds(commands), ["convert big", "republish 1920x1080", "unpublish"]);
  assert.equal(state.track, "closed");
});

const start = (width = 1280, height = 720): VideoPublisherEvent<string> => ({
  kind: "start",
  width,
  height,
});

test("start publishes at once for the nominal size; the frame converted meanwhile is sent when it lands", () => {
  const { state, commands } = run([
    start(),
    frame("a"),
    converted(),
    frame("b"),
    converted(),
    { kind: "published" },
    frame("c"),
    converted(),
  ]);
  assert.deepEqual(kinds(commands), [
    "publish 1280x720",
    "convert a",
    "reportSource",
    "convert b",
    "capture", // b, the latest, once the track is live
    "convert c",
    "capture",
  ]);
  assert.equal(state.track, "live");
  assert.deepEqual(state.size, { width: 1280, height: 720 });
});

test("a started track with no frame yet is live and captures nothing", () => {
  const { state, commands } = run([start(), { kind: "published" }]);
  assert.deepEqual(kinds(commands), ["publish 1280x720"]);
  assert.equal(state.track, "live");
});

test("start is ignored once the track is published or closed, and after the first frame's publish", () => {
  assert.deepEqual(kinds(run([start(), start(640, 480)]).commands), ["publish 1280x720"]);
  assert.deepEqual(kinds(run([start()], live()).commands), []);
  assert.deepEqual(kinds(run([{ kind: "close" }, start()]).commands), []);
});

test("a frame larger than the nominal size, converted while the publish is in flight, has it published again", () => {
  const { state, commands } = run([
    start(),
    frame("a"),
    converted("rgb8", "cam", 1920, 1080),
    { kind: "published" },
    { kind: "published" },
    frame("b"),
    converted("rgb8", "cam", 1920, 1080),
  ]);
  assert.deepEqual(kinds(commands), [
    "publish 1280x720",
    "convert a",
    "reportSource",
    "republish 1920x1080",
    "capture", // a, on the track published for its size
    "convert b",
    "capture",
  ]);
  assert.deepEqual(state.size, { width: 1920, height: 1080 });
  // A smaller frame converted last while in flight needs no second publish.
  const fits = run([
    start(),
    frame("a"),
    converted("rgb8", "cam", 1920, 1080),
    frame("b"),
    converted("rgb8", "cam", 640, 480),
    { kind: "published" },
  ]);
  assert.deepEqual(kinds(fits.commands).slice(-1), ["capture"]);
});

test("close while the started publish is in flight unpublishes the track when it lands", () => {
  const { commands } = run([start(), { kind: "close" }, { kind: "published" }]);
  assert.deepEqual(kinds(commands), ["publish 1280x720", "unpublish"]);
});
