import assert from "node:assert/strict";
import { test } from "node:test";
import { VideoCodec, VideoEncoderBackend } from "@livekit/rtc-ffi-bindings";
import { encoderBackend, videoCodec } from "./VideoPublishOptions.js";

test("video codec and encoder names map to LiveKit's enums; unknown names are ERR_VALUE", () => {
  assert.equal(videoCodec("h264"), VideoCodec.H264);
  assert.equal(videoCodec("vp8"), VideoCodec.VP8);
  assert.equal(encoderBackend("software"), VideoEncoderBackend.ENCODER_BACKEND_SOFTWARE);
  assert.throws(() => videoCodec("mpeg2" as "h264"), { code: "ERR_VALUE" });
  assert.throws(() => encoderBackend("gpu" as "auto"), { code: "ERR_VALUE" });
});
