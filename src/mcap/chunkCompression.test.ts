import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { test } from "node:test";
import {
  loadChunkCompressor,
  loadDecompressHandlers,
  lz4FrameCompressor,
  wasmLz4Block,
} from "./chunkCompression.js";

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

test("no compression loads nothing; an unknown one is a typed error", async () => {
  assert.equal(await loadChunkCompressor(null), undefined);
  await assert.rejects(loadChunkCompressor("brotli" as never), { code: "ERR_VALUE" });
});

test("lz4 frames reuse a recycled frame's memory, never one still unwritten", async () => {
  const lz4 = await import("lz4-wasm-nodejs");
  const decompress = (await loadDecompressHandlers()).lz4!;
  // The package's exports called directly, and its public `compress` (the fallback).
  for (const compressor of [
    lz4FrameCompressor(wasmLz4Block(lz4)),
    lz4FrameCompressor(wasmLz4Block({ compress: lz4.compress })),
  ]) {
    // 3 MiB (one block: 2 MiB random, 1 MiB compressible), within the size kept for reuse.
    const inputs = [records(), records(), records()].map((r) => r.slice(3 << 20, 6 << 20));
    const first = compressor.compress(inputs[0]!) as Uint8Array[];
    const second = compressor.compress(inputs[1]!) as Uint8Array[];
    assert.ok(first[0]!.buffer !== second[0]!.buffer, "two frames in flight, two buffers");
    for (const [i, parts] of [first, second].entries()) {
      const bytes = inputs[i]!;
      assert.deepEqual(
        new Uint8Array(decompress(Buffer.concat(parts), BigInt(bytes.length))),
        bytes,
      );
    }
    compressor.recycle!(first);
    const third = compressor.compress(inputs[2]!) as Uint8Array[];
    assert.ok(third[0]!.buffer === first[0]!.buffer, "the recycled buffer holds the next frame");
    const bytes = inputs[2]!;
    assert.deepEqual(new Uint8Array(decompress(Buffer.concat(third), BigInt(bytes.length))), bytes);
    assert.deepEqual(
      new Uint8Array(decompress(Buffer.concat(second), BigInt(inputs[1]!.length))),
      inputs[1],
      "a frame not given back is untouched",
    );
  }
});
