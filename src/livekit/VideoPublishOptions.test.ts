import assert from "node:assert/strict";
import { test } from "node:test";
import { VideoCodec, VideoEncoderBackend } from "@livekit/rtc-ffi-bindings";
import { encoderBackend, resolveVideoCodecOptions, videoCodec } from "./VideoPublishOptions.js";

test("video codec and encoder names map to LiveKit's enums; unknown names are ERR_VALUE", () => {
  assert.equal(videoCodec("h264"), VideoCodec.H264);
  assert.equal(videoCodec("vp8"), VideoCodec.VP8);
  assert.equal(encoderBackend("software"), VideoEncoderBackend.ENCODER_BACKEND_SOFTWARE);
  assert.throws(() => videoCodec("mpeg2" as "h264"), { code: "ERR_VALUE" });
  assert.throws(() => encoderBackend("gpu" as "auto"), { code: "ERR_VALUE" });
});

test("codec and encoder resolve from the environment with the spec's defaults", () => {
  const warnings: string[] = [];
  const warn = (m: string) => warnings.push(m);
  assert.deepEqual(resolveVideoCodecOptions({}, "linux"), { codec: "h264", encoder: "auto" });
  assert.deepEqual(resolveVideoCodecOptions({}, "darwin"), { codec: "vp8", encoder: "auto" });
  assert.deepEqual(
    resolveVideoCodecOptions(
      { FOXGLOVE_VIDEO_CODEC: " VP9 ", FOXGLOVE_VIDEO_ENCODER: "Software" },
      "darwin",
    ),
    { codec: "vp9", encoder: "software" },
  );
  // A non-auto option beats the environment.
  assert.equal(
    resolveVideoCodecOptions({ FOXGLOVE_VIDEO_ENCODER: "vaapi" }, "linux", "nvenc").encoder,
    "nvenc",
  );
  assert.deepEqual(
    resolveVideoCodecOptions(
      { FOXGLOVE_VIDEO_CODEC: "mpeg2", FOXGLOVE_VIDEO_ENCODER: "gpu" },
      "linux",
      "auto",
      warn,
    ),
    { codec: "h264", encoder: "auto" },
  );
  assert.equal(warnings.length, 2);
  assert.match(warnings[0]!, /FOXGLOVE_VIDEO_CODEC="mpeg2"/);
});
