import assert from "node:assert/strict";
import { test } from "node:test";
import { channelIdOfTrack, dataTrackName, videoTrackName } from "./liveKitNames.js";

test("LiveKit names: data-ch-<id>, video-ch-<id>, parsed back strictly", () => {
  assert.equal(dataTrackName(12), "data-ch-12");
  assert.equal(videoTrackName(3), "video-ch-3");
  assert.equal(channelIdOfTrack("data-ch-12", "data"), 12);
  assert.equal(channelIdOfTrack("video-ch-3", "video"), 3);
  for (const bad of ["data-ch-", "data-ch-01", "data-ch-1x", "video-ch-3", "ch-1", "data-ch--1"]) {
    assert.equal(channelIdOfTrack(bad, "data"), undefined, bad);
  }
});
