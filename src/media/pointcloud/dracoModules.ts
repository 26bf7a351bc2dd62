// Loads Google's Draco build from the registry's `draco3d` package (1.5 line, WebAssembly) and
// declares the small part of its embind API this package uses.
import { createRequire } from "node:module";

type Handle = object;

/** The encoder side of `draco3d` used here. */
export interface DracoEncoderModule {
  POSITION: number;
  GENERIC: number;
  PointCloud: new () => Handle;
  /**
   * Each `Add…Attribute` copies `values` into the cloud: either an array (which the glue code
   * first copies into its own heap buffer, element by element) or a pointer into the heap.
   */
  PointCloudBuilder: new () => {
    AddFloatAttribute(
      pc: Handle,
      type: number,
      n: number,
      components: number,
      values: Float32Array | number,
    ): number;
    AddInt8Attribute(
      pc: Handle,
      type: number,
      n: number,
      components: number,
      values: Int8Array | number,
    ): number;
    AddUInt8Attribute(
      pc: Handle,
      type: number,
      n: number,
      components: number,
      values: Uint8Array | number,
    ): number;
    AddInt16Attribute(
      pc: Handle,
      type: number,
      n: number,
      components: number,
      values: Int16Array | number,
    ): number;
    AddUInt16Attribute(
      pc: Handle,
      type: number,
      n: number,
      components: number,
      values: Uint16Array | number,
    ): number;
    AddInt32Attribute(
      pc: Handle,
      type: number,
      n: number,
      components: number,
      values: Int32Array | number,
    ): number;
    AddUInt32Attribute(
      pc: Handle,
      type: number,
      n: number,
      components: number,
      values: Uint32Array | number,
    ): number;
    SetMetadataForAttribute(pc: Handle, attributeId: number, metadata: Handle): boolean;
  };
  Metadata: new () => Handle;
  MetadataBuilder: new () => { AddStringEntry(md: Handle, name: string, value: string): boolean };
  ExpertEncoder: new (pc: Handle) => {
    SetEncodingMethod(method: number): void;
    SetAttributeQuantization(attributeId: number, bits: number): void;
    EncodeToDracoBuffer(deduplicateValues: boolean, out: Handle): number;
  };
  DracoInt8Array: new () => { GetValue(i: number): number; size(): number };
  destroy(handle: Handle): void;
  /** Allocates `bytes` in the module's heap; 0 when out of memory. */
  _malloc(bytes: number): number;
  _free(ptr: number): void;
  /** Views of the module's heap (replaced when the heap grows: read them after every call). */
  HEAP8: Int8Array;
  HEAPU8: Uint8Array;
  HEAPF32: Float32Array;
}

/** The decoder side of `draco3d` used here. */
export interface DracoDecoderModule {
  DT_FLOAT32: number;
  DT_INT8: number;
  DT_UINT8: number;
  DT_INT16: number;
  DT_UINT16: number;
  DT_INT32: number;
  DT_UINT32: number;
  POSITION: number;
  PointCloud: new () => Handle & { num_points(): number; num_attributes(): number };
  Decoder: new () => {
    DecodeArrayToPointCloud(
      data: Int8Array,
      size: number,
      pc: Handle,
    ): { ok(): boolean; error_msg(): string };
    GetAttribute(pc: Handle, id: number): AttributeHandle;
    GetAttributeMetadata(pc: Handle, id: number): Handle;
    GetAttributeDataArrayForAllPoints(
      pc: Handle,
      attribute: AttributeHandle,
      dataType: number,
      byteLength: number,
      ptr: number,
    ): boolean;
  };
  MetadataQuerier: new () => {
    HasEntry(md: Handle, name: string): boolean;
    GetStringEntry(md: Handle, name: string): string;
  };
  destroy(handle: Handle): void;
  _malloc(bytes: number): number;
  _free(ptr: number): void;
  HEAPU8: Uint8Array;
}

/** A decoded Draco attribute. */
export interface AttributeHandle {
  attribute_type(): number;
  data_type(): number;
  num_components(): number;
  unique_id(): number;
}

interface Draco3d {
  createEncoderModule(options: object): Promise<DracoEncoderModule>;
  createDecoderModule(options: object): Promise<DracoDecoderModule>;
}

/** `draco3d`, loaded on first use: only the point-cloud worker threads and viewers need it. */
let draco3d: Draco3d | undefined;
function draco(): Draco3d {
  return (draco3d ??= createRequire(import.meta.url)("draco3d") as Draco3d);
}
let encoder: Promise<DracoEncoderModule> | undefined;
let decoder: Promise<DracoDecoderModule> | undefined;

/** The Draco encoder module, instantiated once per process (about 1 MB of WebAssembly). */
export function loadDracoEncoder(): Promise<DracoEncoderModule> {
  return (encoder ??= draco().createEncoderModule({}));
}

/**
 * Forgets the encoder module after it aborted (a WebAssembly `RuntimeError` leaves it unusable);
 * the next {@link loadDracoEncoder} instantiates a fresh one.
 */
export function discardDracoEncoder(): void {
  encoder = undefined;
}

/** The Draco decoder module, instantiated once per process. */
export function loadDracoDecoder(): Promise<DracoDecoderModule> {
  return (decoder ??= draco().createDecoderModule({}));
}
