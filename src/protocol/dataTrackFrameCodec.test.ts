import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  dataTrackSequenceGap,
  decodeDataTrackFrame,
  encodeDataTrackFrame,
  nextDataTrackSequence,
  writeDataTrackFrameHeader,
} from "./dataTrackFrameCodec.js";
import { hex } from "./testing/specVectors.js";

describe("data-track frame header (spec 1.5)", () => {
  test("round-trips edge sequences and payload sizes", () => {
    for (const sequence of [0, 1, 2 ** 31, 2 ** 32 - 1]) {
      for (const size of [0, 1, 1200]) {
        const data = Uint8Array.from({ length: size }, (_, i) => i & 255);
        const bytes = encodeDataTrackFrame(sequence, data);
        assert.equal(bytes.length, 8 + size);
        assert.deepStrictEqual(decodeDataTrackFrame(bytes), {
          flags: 0,
          dataOffset: 8,
          sequence,
          data,
        });
      }
    }
  });

  test("reads data from data_offset, keeps unknown flags", () => {
    const f = decodeDataTrackFrame(hex("05 80 0a 00 07 00 00 00 ee ee aa bb"));
    assert.deepStrictEqual(f, { flags: 0x8005, dataOffset: 10, sequence: 7, data: hex("aa bb") });
    assert.deepStrictEqual(
      decodeDataTrackFrame(hex("00 00 0a 00 00 00 00 00 ee ee")).data,
      new Uint8Array(0),
    );
  });

  test("rejects short payloads and bad offsets", () => {
    for (const bad of [
      "",
      "00 00 08 00 00 00 00",
      "00 00 07 00 00 00 00 00",
      "00 00 0b 00 00 00 00 00 01 02",
      "00 00 ff ff 00 00 00 00",
    ]) {
      assert.throws(() => decodeDataTrackFrame(hex(bad)), { code: "ERR_DECODE" }, bad);
    }
  });

  test("encoder validates the sequence", () => {
    for (const s of [-1, 2 ** 32, 1.5, NaN]) {
      assert.throws(() => encodeDataTrackFrame(s, new Uint8Array(1)), { code: "ERR_ENCODE" });
    }
  });

  test("sequence arithmetic wraps at 2^32", () => {
    assert.equal(nextDataTrackSequence(2 ** 32 - 1), 0);
    assert.equal(nextDataTrackSequence(5), 6);
    assert.equal(dataTrackSequenceGap(5, 6), 0);
    assert.equal(dataTrackSequenceGap(5, 9), 3);
    assert.equal(dataTrackSequenceGap(2 ** 32 - 1, 0), 0);
    assert.equal(dataTrackSequenceGap(2 ** 32 - 2, 1), 2);
  });

  test("writeDataTrackFrameHeader writes the same 8 bytes as encodeDataTrackFrame", () => {
    for (const sequence of [0, 1, 0x1234_5678, 2 ** 32 - 1]) {
      const header = new Uint8Array(8).fill(0xee);
      writeDataTrackFrameHeader(sequence, header);
      assert.deepStrictEqual(header, encodeDataTrackFrame(sequence, new Uint8Array(0)));
    }
    assert.throws(() => writeDataTrackFrameHeader(1, new Uint8Array(7)), { code: "ERR_ENCODE" });
    assert.throws(() => writeDataTrackFrameHeader(-1, new Uint8Array(8)), { code: "ERR_ENCODE" });
  });
});
