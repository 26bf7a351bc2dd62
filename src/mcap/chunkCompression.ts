import { FoxgloveError } from "../core/FoxgloveError.js";

/** How an MCAP writer compresses its chunks: `"zstd"`, `"lz4"` (LZ4 frame), or `null` for none. */
export type McapCompression = "zstd" | "lz4" | null;

/**
 * Compresses chunk records for the MCAP writer. `compress` may run off the main thread (it
 * returns a promise then); the records must stay untouched until it settles.
 */
export interface ChunkCompressor {
  /** The Chunk record's `compression` name. */
  readonly name: string;
  /** The compressed bytes of `records`, as parts to write in order. */
  compress(records: Uint8Array): Uint8Array[] | Promise<Uint8Array[]>;
}

/** Decompresses chunks by compression name; the shape `@mcap/core`'s readers take. */
export type DecompressHandlers = Record<
  string,
  (buffer: Uint8Array, decompressedSize: bigint) => Uint8Array
>;

/** zstd level used for chunks: zstd's own default, as the reference writer uses. */
const ZSTD_LEVEL = 3;

/**
 * Loads the compressor for `compression`, or returns undefined for `null`: zstd through a native
 * binding (`@toondepauw/node-zstd`, compressing on libuv's thread pool, off the event loop), lz4
 * through `lz4-wasm-nodejs` (LZ4 blocks, framed here). Only the chosen library is loaded.
 * @throws {FoxgloveError} `ERR_VALUE` for an unknown compression
 */
export async function loadChunkCompressor(
  compression: McapCompression,
): Promise<ChunkCompressor | undefined> {
  switch (compression) {
    case null:
      return undefined;
    case "zstd": {
      const { Encoder } = await import("@toondepauw/node-zstd");
      const encoder = new Encoder(ZSTD_LEVEL);
      return {
        name: "zstd",
        compress: async (records) => [await encoder.encode(asBuffer(records))],
      };
    }
    case "lz4": {
      const lz4 = await import("lz4-wasm-nodejs");
      return { name: "lz4", compress: (records) => lz4Frame(records, lz4.compress) };
    }
    default:
      throw new FoxgloveError(
        "ERR_VALUE",
        `unknown MCAP compression ${JSON.stringify(compression)}; use "zstd", "lz4" or null`,
      );
  }
}

/** Largest LZ4 frame block: 4 MiB (block maximum size code 7). */
const LZ4_BLOCK_BYTES = 4 * 1024 * 1024;
/**
 * LZ4 frame magic, then the frame descriptor: FLG 0x60 (version 1, independent blocks, no
 * checksums, no content size), BD 0x70 (4 MiB blocks), and its header checksum byte (bits 8-15
 * of the XXH32 of FLG and BD).
 */
const LZ4_FRAME_HEAD = [0x04, 0x22, 0x4d, 0x18, 0x60, 0x70, 0x73];
/** High bit of a block size: the block is stored uncompressed. */
const LZ4_UNCOMPRESSED = 0x80000000;

/**
 * `records` as an LZ4 frame (the format MCAP's `lz4` names), from `compressBlock`, which returns
 * one LZ4 block preceded by its uncompressed size (u32, little-endian). Each block is stored
 * uncompressed when compressing did not shrink it. Parts: head and block size, block, ..., end mark.
 */
export function lz4Frame(
  records: Uint8Array,
  compressBlock: (input: Uint8Array) => Uint8Array,
): Uint8Array[] {
  const parts: Uint8Array[] = [];
  let head: number[] = LZ4_FRAME_HEAD;
  for (let at = 0; at < records.byteLength; at += LZ4_BLOCK_BYTES) {
    const input = records.subarray(at, at + LZ4_BLOCK_BYTES);
    const compressed = compressBlock(input).subarray(4);
    const stored = compressed.byteLength < input.byteLength;
    const size = stored ? compressed.byteLength : (input.byteLength | LZ4_UNCOMPRESSED) >>> 0;
    const prefix = new Uint8Array(head.length + 4);
    prefix.set(head);
    new DataView(prefix.buffer).setUint32(head.length, size, true);
    parts.push(prefix, stored ? compressed : input);
    head = [];
  }
  const end = new Uint8Array(head.length + 4); // end mark: a zero block size
  end.set(head);
  parts.push(end);
  return parts;
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
