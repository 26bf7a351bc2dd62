import { FoxgloveError } from "../core/FoxgloveError.js";

/** How an MCAP writer compresses its chunks: `"zstd"`, `"lz4"` (LZ4 frame), or `null` for none. */
export type McapCompression = "zstd" | "lz4" | null;

/** Compresses one chunk's records; the shape `@mcap/core`'s writer calls (`compressChunk`). */
export type ChunkCompressor = (chunk: Uint8Array) => {
  compression: string;
  compressedData: Uint8Array;
};

/** Decompresses chunks by compression name; the shape `@mcap/core`'s readers take. */
export type DecompressHandlers = Record<
  string,
  (buffer: Uint8Array, decompressedSize: bigint) => Uint8Array
>;

/** zstd level used for chunks: zstd's own default, as the reference writer uses. */
const ZSTD_LEVEL = 3;

/**
 * Loads the compressor for `compression` (zstd in WebAssembly, lz4 natively), or returns
 * undefined for `null`. Only the chosen library is loaded.
 * @throws {FoxgloveError} `ERR_VALUE` for an unknown compression
 */
export async function loadChunkCompressor(
  compression: McapCompression,
): Promise<ChunkCompressor | undefined> {
  switch (compression) {
    case null:
      return undefined;
    case "zstd": {
      const zstd = await import("@foxglove/wasm-zstd");
      await zstd.isLoaded;
      return (chunk) => ({ compression: "zstd", compressedData: zstd.compress(chunk, ZSTD_LEVEL) });
    }
    case "lz4": {
      const lz4 = await import("lz4-napi");
      return (chunk) => ({
        compression: "lz4",
        compressedData: lz4.compressFrameSync(asBuffer(chunk)),
      });
    }
    default:
      throw new FoxgloveError(
        "ERR_VALUE",
        `unknown MCAP compression ${JSON.stringify(compression)}; use "zstd", "lz4" or null`,
      );
  }
}

/**
 * Loads decompressors for the chunk compressions this package writes (`zstd`, `lz4`), to pass
 * as `decompressHandlers` to `@mcap/core`'s `McapIndexedReader` or `McapStreamReader`. Each
 * throws FoxgloveError `ERR_MCAP` when a chunk does not decompress to its declared size.
 */
export async function loadDecompressHandlers(): Promise<DecompressHandlers> {
  const [zstd, lz4] = await Promise.all([import("@foxglove/wasm-zstd"), import("lz4-napi")]);
  await zstd.isLoaded;
  return {
    zstd: (buffer, size) => checkSize("zstd", zstd.decompress(buffer, Number(size)), size),
    lz4: (buffer, size) => checkSize("lz4", lz4.decompressFrameSync(asBuffer(buffer)), size),
  };
}

function checkSize(name: string, data: Uint8Array, size: bigint): Uint8Array {
  if (BigInt(data.byteLength) !== size) {
    throw new FoxgloveError(
      "ERR_MCAP",
      `${name} chunk decompressed to ${data.byteLength} bytes, expected ${size}`,
    );
  }
  return data;
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes)
    ? bytes
    : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
