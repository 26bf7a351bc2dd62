import { FoxgloveError } from "../../core/FoxgloveError.js";
import type { DracoDecoderModule } from "./dracoModules.js";
import {
  NumericType,
  numericTypeSize,
  type PointCloudData,
  type PointCloudField,
} from "./PointCloudData.js";

/**
 * Decodes a Draco point-cloud bitstream into packed points: the POSITION attribute becomes
 * float32 `x`, `y`, `z` (first three fields), every other attribute one field of its Draco type,
 * named by its `name` metadata (`attribute<id>` when it has none), in attribute order. The
 * result has no timestamp, frame or pose. Throws `ERR_DECODE` on a bad bitstream or an attribute
 * with several components other than POSITION.
 */
export function decodeDraco(
  draco: DracoDecoderModule,
  bytes: Uint8Array,
): Omit<PointCloudData, "frame_id"> {
  const typeOf = new Map<number, number>([
    [draco.DT_FLOAT32, NumericType.FLOAT32],
    [draco.DT_INT8, NumericType.INT8],
    [draco.DT_UINT8, NumericType.UINT8],
    [draco.DT_INT16, NumericType.INT16],
    [draco.DT_UINT16, NumericType.UINT16],
    [draco.DT_INT32, NumericType.INT32],
    [draco.DT_UINT32, NumericType.UINT32],
  ]);
  const decoder = new draco.Decoder();
  const querier = new draco.MetadataQuerier();
  const pc = new draco.PointCloud();
  try {
    const input = new Int8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const status = decoder.DecodeArrayToPointCloud(input, input.length, pc);
    if (!status.ok()) {
      throw new FoxgloveError("ERR_DECODE", `invalid Draco point cloud: ${status.error_msg()}`);
    }
    const n = pc.num_points();
    const columns: {
      field: PointCloudField;
      dataType: number;
      components: number;
      attr: ReturnType<typeof decoder.GetAttribute>;
    }[] = [];
    let stride = 0;
    let position: (typeof columns)[number] | undefined;
    for (let id = 0; id < pc.num_attributes(); id++) {
      const attr = decoder.GetAttribute(pc, id);
      if (attr.attribute_type() === draco.POSITION && position === undefined) {
        position = {
          field: { name: "x", offset: 0, type: NumericType.FLOAT32 },
          dataType: draco.DT_FLOAT32,
          components: 3,
          attr,
        };
        continue;
      }
      const type = typeOf.get(attr.data_type());
      if (type === undefined || attr.num_components() !== 1) {
        throw new FoxgloveError(
          "ERR_DECODE",
          `Draco attribute ${id} has an unsupported layout (type ${attr.data_type()}, ${attr.num_components()} components)`,
        );
      }
      const md = decoder.GetAttributeMetadata(pc, id);
      const name =
        (md as { ptr?: number }).ptr !== 0 && querier.HasEntry(md, "name")
          ? querier.GetStringEntry(md, "name")
          : `attribute${attr.unique_id()}`;
      columns.push({
        field: { name, offset: 0, type },
        dataType: attr.data_type(),
        components: 1,
        attr,
      });
    }
    if (position === undefined) {
      throw new FoxgloveError("ERR_DECODE", "the Draco point cloud has no POSITION attribute");
    }
    const fields: PointCloudField[] = [
      { name: "x", offset: 0, type: NumericType.FLOAT32 },
      { name: "y", offset: 4, type: NumericType.FLOAT32 },
      { name: "z", offset: 8, type: NumericType.FLOAT32 },
    ];
    stride = 12;
    for (const c of columns) {
      c.field.offset = stride;
      stride += numericTypeSize(c.field.type);
      fields.push(c.field);
    }
    const data = new Uint8Array(n * stride);
    const copy = (c: typeof position, offset: number, size: number) => {
      const byteLength = n * size;
      const ptr = draco._malloc(Math.max(byteLength, 1));
      try {
        if (!decoder.GetAttributeDataArrayForAllPoints(pc, c.attr, c.dataType, byteLength, ptr)) {
          throw new FoxgloveError("ERR_DECODE", `cannot read Draco attribute ${c.field.name}`);
        }
        const src = draco.HEAPU8.subarray(ptr, ptr + byteLength);
        for (let p = 0; p < n; p++) {
          data.set(src.subarray(p * size, (p + 1) * size), p * stride + offset);
        }
      } finally {
        draco._free(ptr);
      }
    };
    copy(position, 0, 12);
    for (const c of columns) copy(c, c.field.offset, numericTypeSize(c.field.type));
    return { point_stride: stride, fields, data };
  } finally {
    draco.destroy(pc);
    draco.destroy(querier);
    draco.destroy(decoder);
  }
}
