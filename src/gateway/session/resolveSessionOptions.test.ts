import assert from "node:assert/strict";
import { test } from "node:test";
import { isFoxgloveError } from "../../core/FoxgloveError.js";
import { resolveSessionOptions } from "./resolveSessionOptions.js";

test("session limits default to 1024 messages, 100 KiB, 1 MiB viewer frames, 4 streams, 0.6 ms", () => {
  assert.deepEqual(resolveSessionOptions(), {
    messageBacklogSize: 1024,
    maxDataTrackMessageSize: 102400,
    maxViewerFrameSize: 1024 * 1024,
    maxControlStreamsPerViewer: 4,
    lossyBurstGapMs: 0.6,
  });
  assert.equal(resolveSessionOptions({ lossyBurstGapMs: 0 }).lossyBurstGapMs, 0);
  assert.deepEqual(
    resolveSessionOptions({ maxDataTrackMessageSize: 1200 }).maxDataTrackMessageSize,
    1200,
  );
});

test("session limits below the minimum are configuration errors", () => {
  for (const bad of [
    { maxDataTrackMessageSize: 1199 },
    { maxDataTrackMessageSize: 2000.5 },
    { messageBacklogSize: 0 },
    { messageBacklogSize: Number.NaN },
    { maxViewerFrameSize: 1023 },
    { maxViewerFrameSize: 16 * 1024 * 1024 + 1 },
    { maxControlStreamsPerViewer: 0 },
    { lossyBurstGapMs: -1 },
    { lossyBurstGapMs: 10.5 },
    { lossyBurstGapMs: Number.NaN },
  ]) {
    assert.throws(
      () => resolveSessionOptions(bad),
      (e) => isFoxgloveError(e, "ERR_CONFIGURATION"),
      JSON.stringify(bad),
    );
  }
});
