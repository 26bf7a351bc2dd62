/**
 * A message schema: `name` (e.g. `foxglove.CompressedImage`), `encoding` (e.g. `protobuf`,
 * `jsonschema`, `ros2msg`) and the schema `data` in that encoding.
 */
export interface Schema {
  readonly name: string;
  readonly encoding: string;
  readonly data: Uint8Array;
}

/** True when `value` has the shape of a {@link Schema}. */
export function isSchema(value: unknown): value is Schema {
  if (typeof value !== "object" || value === null) {
    return false;
  }
  const v = value as Partial<Schema>;
  return (
    typeof v.name === "string" && typeof v.encoding === "string" && v.data instanceof Uint8Array
  );
}

/** True when both schemas are absent, or have the same name, encoding and bytes. */
export function schemasEqual(a: Schema | undefined, b: Schema | undefined): boolean {
  if (a === b) {
    return true;
  }
  if (a === undefined || b === undefined) {
    return false;
  }
  return a.name === b.name && a.encoding === b.encoding && bytesEqual(a.data, b.data);
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a === b) {
    return true;
  }
  if (a.length !== b.length) {
    return false;
  }
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) {
      return false;
    }
  }
  return true;
}
