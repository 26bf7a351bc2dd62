import { FoxgloveError } from "../../core/FoxgloveError.js";
import type { DracoEncoderModule } from "./dracoModules.js";
import {
  NumericType,
  numericTypeSize,
  readScalar,
  viewOf,
  type PointCloudData,
  type PointCloudField,
} from "./PointCloudData.js";

/** Draco encoding method (delta 3.2). */
export type DracoMethod = "kdTree" | "sequential";

/** Largest quantization the Foxglove app's Draco decoder accepts. */
export const MAX_QUANTIZATION_BITS = 30;

/** Options of {@link encodeDraco}. */
export interface DracoEncodeOptions {
  /** `kdTree` (default: smaller, reorders points) or `sequential` (keeps point order). */
  method?: DracoMethod;
  /**
   * Bits per component for positions and every float32 field, 1…30 (default 12); 0 is lossless
   * (no quantization, sequential method).
   */
  quantizationBits?: number;
}

/** Default quantization of positions and float fields. */
export const DEFAULT_QUANTIZATION_BITS = 12;

const METHOD_CODE: Record<DracoMethod, number> = { sequential: 0, kdTree: 1 };

/**
 * Google's sequential encoder (1.5) fails above 28 bits, so sequential encoding quantizes with at
 * most 28: still finer than float32's 24-bit mantissa over the cloud's extent.
 */
const MAX_SEQUENTIAL_BITS = 28;

function fail(message: string): never {
  throw new FoxgloveError("ERR_VALUE", message);
}

/** Validates and fills in {@link DracoEncodeOptions}; throws `ERR_VALUE` when out of range. */
export function resolveDracoOptions(
  options: DracoEncodeOptions = {},
): Required<DracoEncodeOptions> {
  const method = options.method ?? "kdTree";
  const bits = options.quantizationBits ?? DEFAULT_QUANTIZATION_BITS;
  if (method !== "kdTree" && method !== "sequential") {
    fail(`unknown Draco method ${JSON.stringify(method)}`);
  }
  if (!Number.isInteger(bits) || bits < 0 || bits > MAX_QUANTIZATION_BITS) {
    fail(`quantizationBits must be an integer from 0 to ${MAX_QUANTIZATION_BITS} (got ${bits})`);
  }
  return { method, quantizationBits: bits };
}

type Builder = InstanceType<DracoEncoderModule["PointCloudBuilder"]>;

/**
 * What one encoder module keeps across clouds: a scratch buffer in its heap that the attribute
 * columns are written into (so the glue code's element-by-element copy of a JS array is
 * skipped), and the stateless builders.
 */
interface EncoderScratch {
  ptr: number;
  bytes: number;
  builder: Builder;
  metaBuilder: InstanceType<DracoEncoderModule["MetadataBuilder"]>;
}

const scratches = new WeakMap<DracoEncoderModule, EncoderScratch>();

/** The module's scratch state with at least `bytes` of heap (allocated once, grown as needed). */
function scratchOf(draco: DracoEncoderModule, bytes: number): EncoderScratch {
  let s = scratches.get(draco);
  if (s === undefined) {
    s = {
      ptr: 0,
      bytes: 0,
      builder: new draco.PointCloudBuilder(),
      metaBuilder: new draco.MetadataBuilder(),
    };
    scratches.set(draco, s);
  }
  if (s.bytes < bytes) {
    if (s.ptr !== 0) draco._free(s.ptr);
    s.bytes = 0;
    // Rounded up so that slowly growing clouds do not reallocate every time.
    const size = Math.ceil(Math.max(bytes, 1 << 16) * 1.25);
    s.ptr = draco._malloc(size);
    if (s.ptr === 0) {
      throw new FoxgloveError("ERR_ENCODE", `draco could not allocate ${size} bytes`);
    }
    s.bytes = size;
  }
  return s;
}

/**
 * Writes the positions of `n` points into the heap at `ptr` as float32 x/y/z triples (a missing
 * axis is 0), straight from the cloud's bytes.
 */
function writePositions(
  draco: DracoEncoderModule,
  ptr: number,
  cloud: PointCloudData,
  n: number,
  axes: readonly (number | undefined)[],
): void {
  const heap = draco.HEAPF32;
  const base = ptr >> 2;
  const stride = cloud.point_stride;
  const view = viewOf(cloud.data);
  for (let c = 0; c < 3; c++) {
    const index = axes[c];
    if (index === undefined) {
      for (let p = 0; p < n; p++) heap[base + p * 3 + c] = 0;
      continue;
    }
    const { offset, type } = cloud.fields[index]!;
    if (type === NumericType.FLOAT32) {
      for (let p = 0, s = offset; p < n; p++, s += stride) {
        heap[base + p * 3 + c] = view.getFloat32(s, true);
      }
    } else {
      for (let p = 0, s = offset; p < n; p++, s += stride) {
        heap[base + p * 3 + c] = readScalar(view, s, type);
      }
    }
  }
}

/** Writes one field of `n` points into the heap at `ptr` as a packed column (bytes as is). */
function writeColumn(
  draco: DracoEncoderModule,
  ptr: number,
  cloud: PointCloudData,
  n: number,
  field: PointCloudField,
  size: number,
): void {
  const heap = draco.HEAPU8;
  const data = cloud.data;
  const stride = cloud.point_stride;
  if (size === 1) {
    for (let p = 0, s = field.offset; p < n; p++, s += stride) heap[ptr + p] = data[s]!;
    return;
  }
  for (let p = 0, s = field.offset, d = ptr; p < n; p++, s += stride) {
    for (let k = 0; k < size; k++) heap[d++] = data[s + k]!;
  }
}

/** Adds one generic single-component attribute of the field's native type; returns its id. */
function addGeneric(
  draco: DracoEncoderModule,
  builder: Builder,
  pc: object,
  type: number,
  n: number,
  ptr: number,
  sequential: boolean,
): number {
  const generic = draco.GENERIC;
  switch (type) {
    case NumericType.UINT8:
      return builder.AddUInt8Attribute(pc, generic, n, 1, ptr);
    case NumericType.INT8:
      return builder.AddInt8Attribute(pc, generic, n, 1, ptr);
    case NumericType.UINT16:
      return builder.AddUInt16Attribute(pc, generic, n, 1, ptr);
    case NumericType.INT16:
      return builder.AddInt16Attribute(pc, generic, n, 1, ptr);
    case NumericType.UINT32: {
      // The sequential integer coder works in int32: values from 2^31 (packed colors with alpha)
      // go as int32 with the same bits.
      const high =
        sequential && new Uint32Array(draco.HEAPU8.buffer, ptr, n).some((v) => v > 0x7fff_ffff);
      return high
        ? builder.AddInt32Attribute(pc, generic, n, 1, ptr)
        : builder.AddUInt32Attribute(pc, generic, n, 1, ptr);
    }
    case NumericType.INT32:
      return builder.AddInt32Attribute(pc, generic, n, 1, ptr);
    default:
      return builder.AddFloatAttribute(pc, generic, n, 1, ptr);
  }
}

/** Copies the encoder's output vector out of the WebAssembly heap. */
function takeOutput(draco: DracoEncoderModule, out: object, length: number): Uint8Array {
  // Fast path: a DracoInt8Array wraps a std::vector<int8_t> whose {begin, end} pointers are its
  // first two words on wasm32; used only when they agree with the reported length.
  const ptr = (out as { ptr?: unknown }).ptr;
  const heap = draco.HEAP8;
  if (typeof ptr === "number" && ptr % 4 === 0) {
    const words = new Int32Array(heap.buffer, ptr, 2);
    const [begin, end] = [words[0]!, words[1]!];
    if (end - begin === length && begin >= 0 && end <= heap.length) {
      return new Uint8Array(heap.buffer, begin, length).slice();
    }
  }
  const array = out as InstanceType<DracoEncoderModule["DracoInt8Array"]>;
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = array.GetValue(i) & 0xff;
  return bytes;
}

/**
 * Encodes a point cloud as a Draco bitstream (session.md 8.7, delta 3.2) with the loaded
 * `draco` encoder module: at least two of `x`, `y`, `z` (any numeric type, a missing axis is 0)
 * form one 3-component float32 POSITION attribute; every other field becomes a single-component
 * GENERIC attribute of its native type named by attribute metadata `name`. With bits > 0,
 * positions and float32 fields are quantized alike (at most 28 bits under the sequential method);
 * integers stay lossless (under the sequential method a uint32 field holding values from 2^31 is
 * stored as int32 with the same bits). Lossless (0 bits) is encoded sequentially; an empty cloud
 * sequentially and unquantized, the only empty stream Draco decodes. Float64 fields other than
 * positions are refused (narrow them first). Throws `ERR_VALUE` for an unencodable cloud, `ERR_ENCODE` when Draco fails.
 */
export function encodeDraco(
  draco: DracoEncoderModule,
  cloud: PointCloudData,
  options: DracoEncodeOptions = {},
): Uint8Array {
  const { method, quantizationBits: bits } = resolveDracoOptions(options);
  const stride = cloud.point_stride;
  if (stride === 0) fail("point_stride is 0");
  if (cloud.data.length % stride !== 0) {
    fail(`data length ${cloud.data.length} is not a multiple of point_stride ${stride}`);
  }
  const n = cloud.data.length / stride;
  const axes: (number | undefined)[] = [undefined, undefined, undefined];
  cloud.fields.forEach((f, i) => {
    const size = numericTypeSize(f.type);
    if (size === 0) fail(`field '${f.name}' has unsupported numeric type ${f.type}`);
    if (f.offset + size > stride) {
      fail(`field '${f.name}' (offset ${f.offset}, size ${size}) exceeds stride ${stride}`);
    }
    const axis = ["x", "y", "z"].indexOf(f.name);
    if (axis >= 0) axes[axis] = i;
  });
  if (axes.filter((a) => a !== undefined).length < 2) {
    fail("point cloud has fewer than two of the x/y/z position fields");
  }
  const generic = cloud.fields.filter((_, i) => !axes.includes(i));
  const sequential = bits === 0 || n === 0 || method === "sequential";
  const quantization = n === 0 ? 0 : sequential ? Math.min(bits, MAX_SEQUENTIAL_BITS) : bits;
  const f64 = generic.find((f) => f.type === NumericType.FLOAT64);
  if (f64 !== undefined) {
    fail(`field '${f64.name}' is float64, which cannot be quantized; narrow it to float32`);
  }

  // Each column is written into the module's heap and copied from there into the cloud, so one
  // scratch buffer the size of the positions serves every attribute in turn.
  const scratch = scratchOf(draco, n * 12);
  const { builder, metaBuilder } = scratch;
  const pc = new draco.PointCloud();
  const handles: object[] = [pc];
  try {
    writePositions(draco, scratch.ptr, cloud, n, axes);
    const position = builder.AddFloatAttribute(pc, draco.POSITION, n, 3, scratch.ptr);
    const floatIds = [position];
    for (const f of generic) {
      writeColumn(draco, scratch.ptr, cloud, n, f, numericTypeSize(f.type));
      const id = addGeneric(draco, builder, pc, f.type, n, scratch.ptr, sequential);
      if (id < 0) throw new FoxgloveError("ERR_ENCODE", `draco refused field '${f.name}'`);
      if (f.type === NumericType.FLOAT32) floatIds.push(id);
      if (f.name !== "") {
        const md = new draco.Metadata();
        handles.push(md);
        metaBuilder.AddStringEntry(md, "name", f.name);
        builder.SetMetadataForAttribute(pc, id, md);
      }
    }
    const encoder = new draco.ExpertEncoder(pc);
    handles.push(encoder);
    encoder.SetEncodingMethod(METHOD_CODE[sequential ? "sequential" : "kdTree"]);
    if (quantization > 0) {
      for (const id of floatIds) encoder.SetAttributeQuantization(id, quantization);
    }
    const out = new draco.DracoInt8Array();
    handles.push(out);
    const length = encoder.EncodeToDracoBuffer(false, out);
    if (length <= 0) {
      throw new FoxgloveError("ERR_ENCODE", `draco encode failed for a ${n}-point cloud`);
    }
    return takeOutput(draco, out, length);
  } finally {
    for (const h of handles.reverse()) draco.destroy(h);
  }
}
