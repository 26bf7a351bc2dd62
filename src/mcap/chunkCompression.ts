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
  /**
   * Gives back parts from {@link compress} once they were written and will not be read again,
   * so that their memory may hold a later chunk's. Optional to call.
   */
  recycle?(parts: readonly Uint8Array[]): void;
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
      return lz4FrameCompressor(wasmLz4Block(await import("lz4-wasm-nodejs")));
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
/** Most frame buffers an lz4 compressor keeps for reuse (chunks of one batch each take one). */
const LZ4_SPARE_BUFFERS = 16;
/** Largest frame buffer kept for reuse (one grown for a very large chunk is let go). */
const LZ4_SPARE_MAX_BYTES = 8 * 1024 * 1024;
/**
 * Frame buffers written and kept for reuse, shared by all lz4 compressors (a program that
 * records file after file reuses them), and the buffers they made.
 */
const lz4Spare: ArrayBuffer[] = [];
const lz4Owned = new WeakSet<ArrayBufferLike>();

/**
 * Compresses one LZ4 block and passes the compressed bytes to `use` (a view that is only valid
 * during the call); returns what `use` returns.
 */
export type Lz4BlockCompress = <T>(input: Uint8Array, use: (compressed: Uint8Array) => T) => T;

/**
 * A chunk compressor writing LZ4 frames (the format MCAP's `lz4` names) of blocks from
 * `compressBlock`. A frame is built in a buffer that any of them reuses once given back through
 * `recycle` (fresh memory costs page faults, about 0.35 ms per MiB here, as much as compressing
 * it); each block is stored uncompressed, as a view on the input, when compressing did not
 * shrink it. Parts: frame head and compressed blocks, stored blocks between them, end mark.
 */
export function lz4FrameCompressor(compressBlock: Lz4BlockCompress): ChunkCompressor {
  const spare = lz4Spare;
  const owned = lz4Owned;
  const take = (bytes: number): Uint8Array => {
    const index = spare.findIndex((memory) => memory.byteLength >= bytes);
    const memory = index < 0 ? undefined : spare.splice(index, 1)[0];
    if (memory !== undefined) {
      return new Uint8Array(memory, 0, bytes);
    }
    const fresh = new Uint8Array(Math.max(bytes, 1024 * 1024 + 256 * 1024));
    owned.add(fresh.buffer);
    return fresh.subarray(0, bytes);
  };
  return {
    name: "lz4",
    compress(records) {
      const blocks = Math.max(1, Math.ceil(records.byteLength / LZ4_BLOCK_BYTES));
      // Head, a size per block, compressed blocks (each smaller than its input), end mark.
      const out = take(LZ4_FRAME_HEAD.length + 4 * blocks + records.byteLength + 4);
      const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
      out.set(LZ4_FRAME_HEAD);
      const parts: Uint8Array[] = [];
      let from = 0; // start of the part of `out` not yet in `parts`
      let at = LZ4_FRAME_HEAD.length;
      for (let start = 0; start < records.byteLength; start += LZ4_BLOCK_BYTES) {
        const input = records.subarray(start, start + LZ4_BLOCK_BYTES);
        const stored = compressBlock(input, (compressed) => {
          if (compressed.byteLength >= input.byteLength) {
            return true;
          }
          view.setUint32(at, compressed.byteLength, true);
          out.set(compressed, at + 4);
          at += 4 + compressed.byteLength;
          return false;
        });
        if (stored) {
          view.setUint32(at, (input.byteLength | LZ4_UNCOMPRESSED) >>> 0, true);
          parts.push(out.subarray(from, at + 4), input);
          at += 4;
          from = at;
        }
      }
      view.setUint32(at, 0, true); // end mark: a zero block size
      parts.push(out.subarray(from, at + 4));
      return parts;
    },
    recycle(parts) {
      const memory = parts[0]?.buffer;
      if (
        memory !== undefined &&
        owned.has(memory) &&
        memory.byteLength <= LZ4_SPARE_MAX_BYTES &&
        spare.length < LZ4_SPARE_BUFFERS &&
        !spare.includes(memory as ArrayBuffer)
      ) {
        spare.push(memory as ArrayBuffer);
      }
    },
  };
}

/** The exports of `lz4-wasm-nodejs`'s WebAssembly instance that {@link wasmLz4Block} calls. */
interface Lz4Wasm {
  /** The instance's memory (its `buffer` is replaced when the memory grows). */
  memory: { readonly buffer: ArrayBuffer };
  compress(resultAt: number, input: number, length: number): void;
  __wbindgen_malloc(bytes: number, align: number): number;
  __wbindgen_free(at: number, bytes: number, align: number): void;
  __wbindgen_add_to_stack_pointer(delta: number): number;
}

/**
 * LZ4 block compression by `lz4-wasm-nodejs` (lz4_flex), whose blocks start with their
 * uncompressed size (u32, little-endian, dropped here). Its WebAssembly exports are called
 * directly when the package exposes them (`__wasm`, as 0.9 does), so the compressed bytes are
 * read in place instead of being copied into a fresh array per call (the package's `compress`,
 * used otherwise): 0.37-0.40 ms per MiB of 64 KiB messages here against 0.57-0.76.
 */
export function wasmLz4Block(lz4: {
  compress(input: Uint8Array): Uint8Array;
  __wasm?: Partial<Lz4Wasm>;
}): Lz4BlockCompress {
  const wasm = lz4.__wasm;
  if (
    !(wasm?.memory?.buffer instanceof ArrayBuffer) ||
    typeof wasm.compress !== "function" ||
    typeof wasm.__wbindgen_malloc !== "function" ||
    typeof wasm.__wbindgen_free !== "function" ||
    typeof wasm.__wbindgen_add_to_stack_pointer !== "function"
  ) {
    return (input, use) => use(lz4.compress(input).subarray(4));
  }
  const w = wasm as Lz4Wasm;
  return (input, use) => {
    // The same calls as the package's `compress`: the input is copied into the instance's
    // memory (the block compressor frees it), the result (address, length) is read from the
    // shadow stack, and the output is freed once used.
    const result = w.__wbindgen_add_to_stack_pointer(-16);
    try {
      const at = w.__wbindgen_malloc(input.byteLength, 1);
      new Uint8Array(w.memory.buffer).set(input, at);
      w.compress(result, at, input.byteLength);
      const [outAt, outBytes] = new Int32Array(w.memory.buffer, result, 2);
      try {
        return use(new Uint8Array(w.memory.buffer, outAt! + 4, outBytes! - 4));
      } finally {
        w.__wbindgen_free(outAt!, outBytes!, 1);
      }
    } finally {
      w.__wbindgen_add_to_stack_pointer(16);
    }
  };
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
