import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { test } from "node:test";
import { loadChunkCompressor, loadDecompressHandlers } from "./chunkCompression.js";

/** 9 MiB: three LZ4 frame blocks; a random stretch (stored as is) and a compressible one. */
function records(): Uint8Array {
  const bytes = new Uint8Array(9 * 1024 * 1024 + 123);
  bytes.set(randomBytes(5 * 1024 * 1024), 0);
  for (let i = 5 * 1024 * 1024; i < bytes.length; i++) {
    bytes[i] = (i >> 10) & 0xff;
  }
  return bytes;
}

for (const compression of ["zstd", "lz4"] as const) {
  test(`${compression} chunks decompress with the readers' handlers to the same bytes`, async () => {
    const compressor = await loadChunkCompressor(compression);
    assert.equal(compressor?.name, compression);
    const decompress = (await loadDecompressHandlers())[compression]!;
    for (const input of [records(), new Uint8Array(0), new Uint8Array([7])]) {
      const parts = await compressor.compress(input);
      const compressed = Buffer.concat(parts);
      if (input.byteLength > 1000) {
        assert.ok(compressed.byteLength < input.byteLength * 0.75, "the compressible part shrank");
      }
      assert.deepEqual(
        new Uint8Array(decompress(compressed, BigInt(input.byteLength))),
        input,
        `${input.byteLength} bytes`,
      );
    }
  });
}

test("lz4 on the worker thread: the same frame as on this thread, the buffer moved back intact", async () => {
  const compressor = (await loadChunkCompressor("lz4"))!;
  const compressMoving = compressor.compressMoving;
  assert.ok(compressMoving !== undefined, "used with several CPUs");
  const decompress = (await loadDecompressHandlers()).lz4!;
  for (const input of [records(), new Uint8Array(0), new Uint8Array([7])]) {
    const offset = 41;
    const buffer = new Uint8Array(offset + input.byteLength);
    buffer.set(input, offset);
    const expected = Buffer.concat(await compressor.compress(input));
    const moved: Promise<{ parts: Uint8Array[]; buffer: Uint8Array }> = compressMoving(
      buffer,
      offset,
    );
    assert.equal(buffer.byteLength, 0, "the memory moved to the worker");
    const back: { parts: Uint8Array[]; buffer: Uint8Array } = await moved;
    assert.deepEqual(back.buffer.subarray(offset), input, "the buffer came back as it was");
    const frame = Buffer.concat(back.parts);
    assert.ok(frame.equals(expected), `${input.byteLength} bytes: the same frame`);
    assert.deepEqual(new Uint8Array(decompress(frame, BigInt(input.byteLength))), input);
  }
});

test("no compression loads nothing; an unknown one is a typed error", async () => {
  assert.equal(await loadChunkCompressor(null), undefined);
  await assert.rejects(loadChunkCompressor("brotli" as never), { code: "ERR_VALUE" });
});
