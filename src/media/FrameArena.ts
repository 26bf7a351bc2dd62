/**
 * The parts of a WebAssembly.Memory used here (the project's lib settings do not declare the
 * WebAssembly API). A shared memory's `buffer` is a SharedArrayBuffer.
 */
export interface WasmMemory {
  readonly buffer: ArrayBufferLike;
  grow(pages: number): number;
}

interface MemoryApi {
  Memory: new (descriptor: { initial: number; maximum: number; shared: boolean }) => WasmMemory;
}

const PAGE = 65_536;
/** Blocks start at multiples of this (bytes): the SIMD kernels and word-wise reads like it. */
const ALIGN = 16;

/** Creates a shared WebAssembly memory of `maxBytes` at most; undefined when the runtime has none. */
export function sharedWasmMemory(maxBytes: number): WasmMemory | undefined {
  try {
    const api = (globalThis as { WebAssembly?: MemoryApi }).WebAssembly;
    const memory = api && new api.Memory({ initial: 1, maximum: maxBytes / PAGE, shared: true });
    return memory?.buffer instanceof SharedArrayBuffer ? memory : undefined;
  } catch {
    return undefined;
  }
}

/** A free range of the arena: [at, at + size). */
interface Range {
  at: number;
  size: number;
}

/**
 * Memory shared by the main thread and the conversion worker (one shared WebAssembly memory per
 * process) in which video messages and their I420 pictures live while they are converted and
 * sent: `VideoPublisher` copies each message into a block, the worker's WebAssembly kernel reads
 * it and writes the picture into another block in place, and the picture is handed to LiveKit
 * from there. Without it, each frame took three more copies (into a transferable buffer, into
 * the kernel's own memory, out of it).
 *
 * Blocks are allocated and freed on the thread that owns the arena (first fit, neighbours merged
 * on free). The memory grows as needed up to `maxBytes` and never shrinks (WebAssembly memory
 * cannot); an allocation that does not fit returns undefined and the caller uses its own buffers.
 */
export class FrameArena {
  static #shared: FrameArena | null | undefined;
  /** The shared memory; hand it to the worker (it is shared, not copied, by postMessage). */
  readonly memory: WasmMemory;
  readonly #maxBytes: number;
  /** Free ranges, sorted by address, none adjacent. */
  readonly #free: Range[] = [];
  /** Size of each allocated block, by its address. */
  readonly #used = new Map<number, number>();
  #size: number;

  /** Default ceiling of the process-wide arena: 256 MiB (e.g. four 4K rgba8 streams). */
  static readonly DEFAULT_MAX_BYTES = 256 << 20;

  /**
   * The process-wide arena, created on first use; undefined when this runtime has no shared
   * WebAssembly memory.
   */
  static shared(): FrameArena | undefined {
    if (FrameArena.#shared === undefined) {
      const memory = sharedWasmMemory(FrameArena.DEFAULT_MAX_BYTES);
      FrameArena.#shared = memory && new FrameArena(memory, FrameArena.DEFAULT_MAX_BYTES);
    }
    return FrameArena.#shared ?? undefined;
  }

  /** An arena over `memory` (a fresh shared memory), growing it up to `maxBytes`. */
  constructor(memory: WasmMemory, maxBytes: number) {
    this.memory = memory;
    this.#maxBytes = maxBytes;
    this.#size = memory.buffer.byteLength;
    // Address 0 is never handed out (a block's address doubles as its key).
    this.#free.push({ at: ALIGN, size: this.#size - ALIGN });
  }

  /** Bytes the memory has grown to. */
  get size(): number {
    return this.#size;
  }

  /** Bytes in allocated blocks (rounded up to the alignment). */
  get usedBytes(): number {
    let total = 0;
    for (const size of this.#used.values()) total += size;
    return total;
  }

  /**
   * A block of `bytes` bytes (16-byte aligned; contents undefined), or undefined when it would
   * take the memory beyond its ceiling.
   */
  alloc(bytes: number): Uint8Array | undefined {
    const size = Math.max(ALIGN, Math.ceil(bytes / ALIGN) * ALIGN);
    let index = this.#free.findIndex((range) => range.size >= size);
    if (index < 0 && !this.#grow(size)) {
      return undefined;
    }
    if (index < 0) {
      index = this.#free.findIndex((range) => range.size >= size);
    }
    const range = this.#free[index]!;
    const at = range.at;
    if (range.size === size) {
      this.#free.splice(index, 1);
    } else {
      range.at += size;
      range.size -= size;
    }
    this.#used.set(at, size);
    return new Uint8Array(this.memory.buffer, at, bytes);
  }

  /** Returns a block from {@link alloc} (or any view starting where one does). Idempotent. */
  free(block: Uint8Array): void {
    const at = block.byteOffset;
    const size = this.#used.get(at);
    if (size === undefined) {
      return;
    }
    this.#used.delete(at);
    this.#insertFree(at, size);
  }

  /** True when `view` lies in this arena's memory (seen from any thread). */
  static holds(view: Uint8Array): boolean {
    return view.buffer instanceof SharedArrayBuffer;
  }

  #insertFree(at: number, size: number): void {
    const free = this.#free;
    let i = 0;
    while (i < free.length && free[i]!.at < at) i++;
    const before = free[i - 1];
    const after = free[i];
    if (before !== undefined && before.at + before.size === at) {
      before.size += size;
      if (after !== undefined && before.at + before.size === after.at) {
        before.size += after.size;
        free.splice(i, 1);
      }
    } else if (after !== undefined && at + size === after.at) {
      after.at = at;
      after.size += size;
    } else {
      free.splice(i, 0, { at, size });
    }
  }

  /** Grows the memory so that a block of `size` fits at its end; false when over the ceiling. */
  #grow(size: number): boolean {
    const last = this.#free[this.#free.length - 1];
    const tail = last !== undefined && last.at + last.size === this.#size ? last.size : 0;
    const pages = Math.ceil((size - tail) / PAGE);
    if (this.#size + pages * PAGE > this.#maxBytes) {
      return false;
    }
    try {
      this.memory.grow(pages);
    } catch {
      return false;
    }
    const at = this.#size;
    this.#size += pages * PAGE;
    this.#insertFree(at, pages * PAGE);
    return true;
  }
}

/**
 * Copies `source` into `target` (same length; `target` typically a block of the arena). V8's
 * `TypedArray.prototype.set` copies into a SharedArrayBuffer with its own relaxed word loop;
 * `Buffer#fill` with a value as long as the target is one libc `memcpy`: 0.24 against 0.37 ms for
 * a 1280x720 rgb8 message, measured in the video benchmark. Throws RangeError on a length mismatch.
 */
export function copyBytes(target: Uint8Array, source: Uint8Array): void {
  const length = source.byteLength;
  if (target.byteLength !== length) {
    throw new RangeError(`copyBytes: ${length} bytes into ${target.byteLength}`);
  }
  if (length === 0) {
    return; // Buffer#fill rejects an empty value
  }
  Buffer.from(target.buffer, target.byteOffset, length).fill(
    Buffer.from(source.buffer, source.byteOffset, length),
  );
}

/**
 * `view` (a view of a shared memory, e.g. as received from another thread) as a view of
 * `memory`'s current buffer at the same place: the WebAssembly kernels of this thread recognise
 * their memory by identity.
 */
export function viewOf(memory: WasmMemory, view: Uint8Array | ArenaSpan): Uint8Array {
  return view instanceof Uint8Array
    ? new Uint8Array(memory.buffer, view.byteOffset, view.byteLength)
    : new Uint8Array(memory.buffer, view.at, view.length);
}

/** A block of the arena as sent to another thread: where it is, not its bytes. */
export interface ArenaSpan {
  readonly at: number;
  readonly length: number;
}

/**
 * Bytes as posted to another thread: a span for a view of the arena (posting the view itself
 * would have the shared buffer registered with every message), else the view (copied or
 * transferred by `postMessage`).
 */
export type PostedBytes = Uint8Array | ArenaSpan;

/** What to post for `view` (see {@link PostedBytes}). */
export function toPosted(view: Uint8Array): PostedBytes {
  return FrameArena.holds(view) ? { at: view.byteOffset, length: view.byteLength } : view;
}

/** The bytes posted as `posted`, in `memory` (the arena as this thread sees it) when a span. */
export function fromPosted(memory: WasmMemory | undefined, posted: PostedBytes): Uint8Array {
  if (posted instanceof Uint8Array) {
    return posted;
  }
  if (memory === undefined) {
    throw new Error("an arena span arrived before the arena");
  }
  return viewOf(memory, posted);
}
