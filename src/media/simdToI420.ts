import { base64Decode } from "../core/base64.js";
import { sharedWasmMemory, type WasmMemory } from "./FrameArena.js";
import { I420_WASM } from "./generated/i420Wasm.js";

/** Fixed-point Y, U, V weights of the three colour bytes of a pixel, in memory order. */
export interface RgbWeights {
  readonly y0: number;
  readonly y1: number;
  readonly y2: number;
  readonly u0: number;
  readonly u1: number;
  readonly u2: number;
  readonly v0: number;
  readonly v1: number;
  readonly v2: number;
}

/** The parts of the WebAssembly API used here (the project's lib settings do not declare it). */
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { readonly exports: object };
}

/** The module's exports and the (imported, shared) memory it works in. */
interface Kernel {
  readonly memory: WasmMemory;
  readonly rgbToI420: (...args: number[]) => void;
  readonly mono8ToY: (...args: number[]) => void;
}

/** Where the source pixels start in the module's memory (the I420 output follows them). */
const SRC_AT = 64;
/** Bytes the kernel may read past the last pixel. */
const SLACK = 16;
/**
 * Memory the module may grow to and keep (bytes; room for a 3840x2160 rgba8 frame and its I420);
 * a larger image is converted by the JS kernels.
 */
const MAX_MEMORY = 64 << 20;

let module: object | null | undefined;
/** This thread's kernel, which copies the pixels into its own memory and the picture out. */
let kernel: Kernel | null | undefined;
/** The kernel working in place in a {@link FrameArena}'s memory (see {@link attachArena}). */
let arenaKernel: Kernel | undefined;
let enabled = true;

/**
 * @internal Turns the WebAssembly kernel off (or back on) for this thread, e.g. to compare it
 * with the JS kernels in tests and benchmarks.
 */
export function setSimdEnabled(on: boolean): void {
  enabled = on;
}

/** The compiled module (assembly/toI420.ts); null when this runtime has no WebAssembly SIMD. */
function loadModule(): object | null {
  if (module === undefined) {
    module = null;
    try {
      const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
      const bytes = base64Decode(I420_WASM);
      if (wasm?.validate(bytes) === true) {
        module = new wasm.Module(bytes);
      }
    } catch {
      module = null;
    }
  }
  return module;
}

/** An instance of the module working in `memory` (shared); undefined when it cannot be made. */
function instantiate(memory: WasmMemory | undefined): Kernel | undefined {
  const compiled = loadModule();
  const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  if (compiled === null || memory === undefined || wasm === undefined) {
    return undefined;
  }
  try {
    const { exports } = new wasm.Instance(compiled, { env: { memory } });
    return { ...(exports as Omit<Kernel, "memory">), memory };
  } catch {
    return undefined;
  }
}

/**
 * The WebAssembly SIMD kernels (assembly/toI420.ts) with a memory of their own, instantiated on
 * first use; null when this runtime has no WebAssembly SIMD (the callers then use their JS kernels).
 */
function loadKernel(): Kernel | null {
  if (kernel === undefined) {
    kernel = instantiate(sharedWasmMemory(MAX_MEMORY)) ?? null;
  }
  return kernel;
}

/** True when this runtime can run the WebAssembly SIMD kernels (compiles them, once). */
export function simdSupported(): boolean {
  return loadModule() !== null;
}

/** True when the WebAssembly SIMD kernel is available in this runtime. */
export function simdAvailable(): boolean {
  return loadKernel() !== null;
}

/**
 * Lets this thread's kernels convert in place, without copies, images whose pixels and output
 * both lie in `memory` (a {@link FrameArena}'s, as seen by this thread: views made with
 * {@link viewOf}). Returns false when the kernel cannot work there (no WebAssembly SIMD).
 */
export function attachArena(memory: WasmMemory): boolean {
  if (arenaKernel?.memory !== memory) {
    arenaKernel = instantiate(memory);
  }
  return arenaKernel !== undefined;
}

/**
 * The arena kernel when `src` and `out` are both views of its memory's current buffer (then it
 * reads and writes them in place), else undefined.
 */
function inPlace(src: Uint8Array, out: Uint8Array): Kernel | undefined {
  const k = enabled ? arenaKernel : undefined;
  return k !== undefined && src.buffer === k.memory.buffer && out.buffer === src.buffer
    ? k
    : undefined;
}

/** Where a kernel call reads and writes, and how the output gets to the caller. */
interface Placement {
  readonly wasm: Kernel;
  readonly srcAt: number;
  readonly dstAt: number;
  /** The module's memory to copy `dstBytes` at `dstAt` out of; undefined when written in place. */
  readonly heap: Uint8Array | undefined;
}

/**
 * Where the kernel works for `srcBytes` bytes of source `src` and `dstBytes` of output `out`: in
 * place when both lie in the attached arena, else in this thread's module with the source copied
 * in (the output to be copied out); undefined when the kernel is off, missing, or the image is
 * too large for it.
 */
function place(
  src: Uint8Array,
  srcBytes: number,
  out: Uint8Array,
  dstBytes: number,
): Placement | undefined {
  const arena = inPlace(src, out);
  if (arena !== undefined) {
    return { wasm: arena, srcAt: src.byteOffset, dstAt: out.byteOffset, heap: undefined };
  }
  const wasm = enabled ? loadKernel() : null;
  const dstAt = (SRC_AT + srcBytes + SLACK + 15) & ~15;
  const need = dstAt + dstBytes;
  if (wasm === null || need > MAX_MEMORY) {
    return undefined;
  }
  const { memory } = wasm;
  if (memory.buffer.byteLength < need) {
    try {
      memory.grow(Math.ceil((need - memory.buffer.byteLength) / 65536));
    } catch {
      return undefined; // out of memory: the JS kernels need none of their own
    }
  }
  const heap = new Uint8Array(memory.buffer);
  heap.set(src.subarray(0, srcBytes), SRC_AT);
  return { wasm, srcAt: SRC_AT, dstAt, heap };
}

/**
 * Converts columns [0, n) of packed 3- or 4-byte pixels to I420 with the WebAssembly SIMD kernel,
 * where n is `w` rounded down to a multiple of 16, and returns n (0 when the kernel is not
 * available or the image is too large for it: the caller converts the rest). Exactly the values
 * of the JS kernels: `k` are their weights, `yOffset` and `cOffset4` their rounding offsets.
 * `out` is the whole I420 picture of `w` x `h` (its other columns are written too, with garbage
 * the caller overwrites).
 */
export function simdRgbToI420(
  src: Uint8Array,
  stride: number,
  w: number,
  h: number,
  bpp: 3 | 4,
  k: RgbWeights,
  yOffset: number,
  cOffset4: number,
  out: Uint8Array,
): number {
  const n = w & ~15;
  const dstBytes = (w * h * 3) / 2;
  const at = n === 0 ? undefined : place(src, stride * (h - 1) + w * bpp, out, dstBytes);
  if (at === undefined) {
    return 0;
  }
  const { wasm, heap, srcAt, dstAt } = at;
  wasm.rgbToI420(
    srcAt,
    stride,
    n,
    h,
    bpp,
    dstAt,
    w,
    k.y0,
    k.y1 >> 1, // the kernel's lanes hold 16-bit weights: the middle one is split in two
    k.y1 - (k.y1 >> 1),
    k.y2,
    k.u0,
    k.u1,
    k.u2,
    k.v0,
    k.v1,
    k.v2,
    yOffset,
    cOffset4,
  );
  if (heap !== undefined) {
    out.set(heap.subarray(dstAt, dstAt + dstBytes));
  }
  return n;
}

/**
 * Writes the Y plane of columns [0, n) of 8-bit grey rows, Y = (v * `weight` + `yOffset`) >> 16,
 * with the WebAssembly SIMD kernel into `out` (an I420 picture of `w` x `h`; its chroma planes
 * and other columns are the caller's), where n is `w` rounded down to a multiple of 16, and
 * returns n (0 when the kernel is not available or the image too large for it).
 */
export function simdMono8ToY(
  src: Uint8Array,
  stride: number,
  w: number,
  h: number,
  weight: number,
  yOffset: number,
  out: Uint8Array,
): number {
  const n = w & ~15;
  const at = n === 0 ? undefined : place(src, stride * (h - 1) + w, out, w * h);
  if (at === undefined) {
    return 0;
  }
  const { wasm, heap, srcAt, dstAt } = at;
  wasm.mono8ToY(srcAt, stride, n, h, dstAt, w, weight >> 1, weight - (weight >> 1), yOffset);
  if (heap !== undefined) {
    out.set(heap.subarray(dstAt, dstAt + w * h));
  }
  return n;
}
