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

test("no compression loads nothing; an unknown one is a typed error", async () => {
  assert.equal(await loadChunkCompressor(null), undefined);
  await assert.rejects(loadChunkCompressor("brotli" as never), { code: "ERR_VALUE" });
});
