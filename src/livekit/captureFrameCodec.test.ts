import assert from "node:assert/strict";
import { test } from "node:test";
import {
  CaptureVideoFrameRequest,
  FfiRequest,
  FfiResponse,
  VideoBufferType,
  VideoRotation,
} from "@livekit/rtc-ffi-bindings";
import { VideoFrame } from "@livekit/rtc-node";
import { decodeCaptureFrameResponse, encodeCaptureFrameRequest } from "./captureFrameCodec.js";
import { rawVideoFrameSize, type RawVideoFormat } from "./RawVideoFrame.js";
import { encodeHandle } from "./varint.js";

// Every field the hand-written codec writes is checked against the generated protobuf classes of
// @livekit/rtc-ffi-bindings and against what rtc-node itself builds for the same frame.

const U64_MAX = (1n << 64n) - 1n;
const FORMATS: RawVideoFormat[] = ["rgba", "bgra", "argb", "abgr", "rgb24", "i420"];
const SIZES = [
  [1, 1],
  [5, 3],
  [64, 48],
  [1280, 720],
  [16_384, 16_384],
] as const;
const HANDLES = [0n, 1n, 127n, 128n, 2n ** 32n, 2n ** 53n + 7n, U64_MAX];
const TIMESTAMPS = [0n, 1n, 127n, 128n, 1_765_000_000_123_456n, 2n ** 53n + 1n, 2n ** 63n - 1n];

/** Native addresses to try; each leaves room for the frame below 2^64. */
function pointers(frameSize: number): bigint[] {
  const top = U64_MAX - BigInt(frameSize);
  return [0n, 1n, 0x7f12_3456_7000n, 2n ** 53n + 3n, top];
}

/** rtc-node's VideoFrame of this format and size whose data sits at `dataPtr`. */
function rtcNodeFrame(format: RawVideoFormat, width: number, height: number, dataPtr: bigint) {
  const frame = new VideoFrame(new Uint8Array(0), width, height, bufferType(format));
  // rtc-node reads the address of the whole ArrayBuffer through a getter; give it ours.
  Object.defineProperty(frame, "dataPtr", { value: dataPtr });
  return frame;
}

/** The buffer type rtc-node's users pass for each format: VideoBufferType of the same name. */
function bufferType(format: RawVideoFormat): VideoBufferType {
  return VideoBufferType[format.toUpperCase() as keyof typeof VideoBufferType];
}

interface Case {
  readonly handle: bigint;
  readonly format: RawVideoFormat;
  readonly width: number;
  readonly height: number;
  readonly dataPtr: bigint;
  readonly timestampUs: bigint;
}

/** Every format, size and pointer with each of `handles` and `timestamps`. */
function* cases(handles: bigint[], timestamps: bigint[]): Generator<Case> {
  for (const format of FORMATS) {
    for (const [width, height] of SIZES) {
      for (const dataPtr of pointers(rawVideoFrameSize(format, width, height))) {
        for (const handle of handles) {
          for (const timestampUs of timestamps) {
            yield { handle, format, width, height, dataPtr, timestampUs };
          }
        }
      }
    }
  }
}

function encode(c: Case): Uint8Array {
  const { handle, format, width, height, dataPtr, timestampUs } = c;
  return encodeCaptureFrameRequest(
    encodeHandle(handle),
    format,
    width,
    height,
    dataPtr,
    timestampUs,
  );
}

/** protobuf-es's encoding of the request rtc-node's VideoSource.captureFrame builds. */
function rtcNodeRequest(c: Case): Uint8Array {
  const value = new CaptureVideoFrameRequest({
    sourceHandle: c.handle,
    buffer: rtcNodeFrame(c.format, c.width, c.height, c.dataPtr).protoInfo(),
    rotation: VideoRotation.VIDEO_ROTATION_0,
    timestampUs: c.timestampUs,
  });
  return new FfiRequest({ message: { case: "captureVideoFrame", value } }).toBinary();
}

test("a capture request decodes with the library's FfiRequest: every field, every format", () => {
  for (const c of cases(HANDLES, TIMESTAMPS)) {
    const { format, width, height, dataPtr } = c;
    const request = FfiRequest.fromBinary(encode(c));
    assert.equal(request.message.case, "captureVideoFrame");
    const value = request.message.value;
    assert.equal(value.sourceHandle, c.handle);
    assert.equal(value.timestampUs, c.timestampUs);
    assert.equal(value.rotation, VideoRotation.VIDEO_ROTATION_0);
    const buffer = value.buffer!;
    assert.equal(buffer.type, bufferType(format));
    assert.equal(buffer.width, width);
    assert.equal(buffer.height, height);
    assert.equal(buffer.dataPtr, dataPtr);
    const size = rawVideoFrameSize(format, width, height);
    if (format === "i420") {
      assert.equal(buffer.stride, 0);
      const [y, u, v, ...more] = buffer.components.map((p) => ({
        dataPtr: p.dataPtr ?? -1n,
        stride: p.stride ?? -1,
        size: p.size ?? -1,
      }));
      assert.ok(y !== undefined && u !== undefined && v !== undefined);
      assert.equal(more.length, 0);
      assert.deepEqual(y, { dataPtr, stride: width, size: width * height });
      assert.equal(y.size + u.size + v.size, size);
      assert.equal(u.dataPtr, dataPtr + BigInt(y.size));
      assert.equal(v.dataPtr, u.dataPtr + BigInt(u.size));
      assert.equal(u.stride, Math.ceil(width / 2));
      assert.equal(v.stride, u.stride);
    } else {
      assert.equal(buffer.stride, size / height);
      assert.equal(buffer.components.length, 0);
    }
  }
});

test("the encoding equals protobuf-es's of what rtc-node builds, byte for byte", () => {
  for (const c of cases([0n, 3n, U64_MAX], [0n, 1_765_000_000_123_456n, 2n ** 63n - 1n])) {
    assert.deepEqual(
      encode(c),
      rtcNodeRequest(c),
      `${c.format} ${c.width}x${c.height} at ${c.dataPtr}`,
    );
  }
});

test("the reused buffer is right again after a larger request", () => {
  const small = encodeCaptureFrameRequest(encodeHandle(1n), "rgba", 1, 1, 1n, 1n).slice();
  encodeCaptureFrameRequest(encodeHandle(U64_MAX), "i420", 16_384, 16_384, 2n ** 60n, 2n ** 62n);
  assert.deepEqual(encodeCaptureFrameRequest(encodeHandle(1n), "rgba", 1, 1, 1n, 1n), small);
});

test("the library's capture reply is accepted; another reply or malformed bytes is ERR_LIVEKIT", () => {
  const reply = new FfiResponse({ message: { case: "captureVideoFrame", value: {} } }).toBinary();
  assert.equal(decodeCaptureFrameResponse(reply), undefined);
  // A reply with fields unknown here (a newer library) is accepted.
  assert.equal(decodeCaptureFrameResponse(Uint8Array.of(0xb2, 0x01, 0x02, 0x08, 0x01)), undefined);
  const other = new FfiResponse({
    message: { case: "localDataTrackIsPublished", value: { isPublished: true } },
  }).toBinary();
  assert.throws(() => decodeCaptureFrameResponse(other), { code: "ERR_LIVEKIT" });
  assert.throws(() => decodeCaptureFrameResponse(new Uint8Array(0)), { code: "ERR_LIVEKIT" });
  assert.throws(() => decodeCaptureFrameResponse(Uint8Array.of(0xb2, 0x01, 0x05, 0x08)), {
    code: "ERR_LIVEKIT",
  });
});
