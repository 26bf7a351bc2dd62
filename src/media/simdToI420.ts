import { base64Decode } from "../core/base64.js";
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
  Instance: new (module: object) => { readonly exports: object };
}

interface Kernel {
  readonly memory: { readonly buffer: ArrayBuffer; grow(pages: number): number };
  readonly rgbToI420: (...args: number[]) => void;
  readonly mono8ToY: (...args: number[]) => void;
}

/** Where the source pixels start in the module's memory (the I420 output follows them). */
const SRC_AT = 64;
/** Bytes the kernel may read past the last pixel. */
const SLACK = 16;
/** Memory the module may keep (bytes); a larger image is converted by the JS kernels. */
const MAX_MEMORY = 256 << 20;

let kernel: Kernel | null | undefined;
let enabled = true;

/**
 * @internal Turns the WebAssembly kernel off (or back on) for this thread, e.g. to compare it
 * with the JS kernels in tests and benchmarks.
 */
export function setSimdEnabled(on: boolean): void {
  enabled = on;
}

/**
 * The WebAssembly SIMD kernels (assembly/toI420.ts), instantiated on first use; null when this
 * runtime has no WebAssembly SIMD (the callers then use their JS kernels).
 */
function loadKernel(): Kernel | null {
  if (kernel === undefined) {
    kernel = null;
    try {
      const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
      const bytes = base64Decode(I420_WASM);
      if (wasm?.validate(bytes) === true) {
        kernel = new wasm.Instance(new wasm.Module(bytes)).exports as Kernel;
      }
    } catch {
      kernel = null;
    }
  }
  return kernel;
}

/** True when the WebAssembly SIMD kernel is available in this runtime. */
export function simdAvailable(): boolean {
  return loadKernel() !== null;
}

/**
 * The kernel module with room for `srcBytes` bytes of source (copied in from `src`) and `dstBytes`
 * of output, or undefined when it is off, missing, or the image is too large for it.
 */
function stage(
  src: Uint8Array,
  srcBytes: number,
  dstBytes: number,
): { wasm: Kernel; heap: Uint8Array; dstAt: number } | undefined {
  const wasm = enabled ? loadKernel() : null;
  const dstAt = (SRC_AT + srcBytes + SLACK + 15) & ~15;
  const need = dstAt + dstBytes;
  if (wasm === null || need > MAX_MEMORY) {
    return undefined;
  }
  const { memory } = wasm;
  if (memory.buffer.byteLength < need) {
    memory.grow(Math.ceil((need - memory.buffer.byteLength) / 65536));
  }
  const heap = new Uint8Array(memory.buffer);
  heap.set(src.subarray(0, srcBytes), SRC_AT);
  return { wasm, heap, dstAt };
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
  const staged = n === 0 ? undefined : stage(src, stride * (h - 1) + w * bpp, dstBytes);
  if (staged === undefined) {
    return 0;
  }
  const { wasm, heap, dstAt } = staged;
  wasm.rgbToI420(
    SRC_AT,
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
  out.set(heap.subarray(dstAt, dstAt + dstBytes));
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
  const staged = n === 0 ? undefined : stage(src, stride * (h - 1) + w, w * h);
  if (staged === undefined) {
    return 0;
  }
  const { wasm, heap, dstAt } = staged;
  wasm.mono8ToY(SRC_AT, stride, n, h, dstAt, w, weight >> 1, weight - (weight >> 1), yOffset);
  out.set(heap.subarray(dstAt, dstAt + w * h));
  return n;
}
