// The JSON encoders' output checked structurally against the JSON Schema they advertise.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { Encoder } from "../core/Encoder.js";
import * as M from "./index.js";

type JsonSchema = {
  type?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  minimum?: number;
  maximum?: number;
  oneOf?: { const: unknown }[];
  contentEncoding?: string;
};

/** Validates the subset of JSON Schema that @foxglove/schemas uses; returns the problems. */
function validate(value: unknown, schema: JsonSchema, path = "$"): string[] {
  const problems: string[] = [];
  if (schema.oneOf !== undefined && !schema.oneOf.some((o) => o.const === value)) {
    problems.push(`${path}: ${JSON.stringify(value)} is none of the enum values`);
  }
  switch (schema.type) {
    case undefined:
      break;
    case "object": {
      if (typeof value !== "object" || value === null || Array.isArray(value)) {
        return [`${path}: expected an object`];
      }
      const obj = value as Record<string, unknown>;
      for (const key of schema.required ?? []) {
        if (!(key in obj)) problems.push(`${path}: missing ${key}`);
      }
      for (const [key, sub] of Object.entries(schema.properties ?? {})) {
        if (key in obj) problems.push(...validate(obj[key], sub, `${path}.${key}`));
      }
      break;
    }
    case "array":
      if (!Array.isArray(value)) return [`${path}: expected an array`];
      if (schema.minItems !== undefined && value.length < schema.minItems)
        problems.push(`${path}: too few items`);
      if (schema.maxItems !== undefined && value.length > schema.maxItems)
        problems.push(`${path}: too many items`);
      value.forEach((item, i) =>
        problems.push(...validate(item, schema.items ?? {}, `${path}[${i}]`)),
      );
      break;
    case "string":
      if (typeof value !== "string") return [`${path}: expected a string`];
      if (schema.contentEncoding === "base64" && !/^[A-Za-z0-9+/]*={0,2}$/.test(value))
        problems.push(`${path}: not base64`);
      break;
    case "integer":
    case "number":
      if (typeof value !== "number") return [`${path}: expected a number`];
      if (schema.type === "integer" && !Number.isInteger(value))
        problems.push(`${path}: not an integer`);
      if (schema.minimum !== undefined && value < schema.minimum)
        problems.push(`${path}: below minimum`);
      if (schema.maximum !== undefined && value > schema.maximum)
        problems.push(`${path}: above maximum`);
      break;
    case "boolean":
      if (typeof value !== "boolean") problems.push(`${path}: expected a boolean`);
      break;
    default:
      problems.push(`${path}: unsupported schema type ${schema.type}`);
  }
  return problems;
}

function roundTrip<T>(encoder: Encoder<T>, message: T): { json: unknown; problems: string[] } {
  assert.equal(encoder.messageEncoding, "json");
  assert.equal(encoder.schema?.encoding, "jsonschema");
  const schema = JSON.parse(new TextDecoder().decode(encoder.schema.data)) as JsonSchema;
  const json: unknown = JSON.parse(new TextDecoder().decode(encoder.encode(message)));
  return { json, problems: validate(json, schema) };
}

const time = { sec: 1_700_000_000, nsec: 5 };
const pose = { position: { x: 1, y: 2, z: 3 }, orientation: { x: 0, y: 0, z: 0, w: 1 } };

describe("JSON encoders", () => {
  test("CompressedImage: bytes become base64 and the output fits the schema", () => {
    const { json, problems } = roundTrip(M.CompressedImageJson, {
      timestamp: time,
      frame_id: "cam",
      data: new Uint8Array([0xff, 0xd8, 0xff]),
      format: "jpeg",
    });
    assert.deepEqual(problems, []);
    assert.equal((json as { data: string }).data, "/9j/");
    assert.equal(M.CompressedImageJson.schema?.name, "foxglove.CompressedImage");
  });

  test("SceneUpdate and LocationFix fit their schemas; a bad message does not", () => {
    const scene = roundTrip(M.SceneUpdateJson, {
      deletions: [],
      entities: [
        {
          timestamp: time,
          frame_id: "map",
          id: "e",
          lifetime: { sec: 0, nsec: 0 },
          frame_locked: false,
          metadata: [{ key: "k", value: "v" }],
          arrows: [],
          cubes: [{ pose, size: { x: 1, y: 1, z: 1 }, color: { r: 1, g: 0, b: 0, a: 1 } }],
          spheres: [],
          cylinders: [],
          lines: [],
          triangles: [],
          texts: [],
          models: [
            {
              pose,
              scale: { x: 1, y: 1, z: 1 },
              color: { r: 0, g: 0, b: 0, a: 0 },
              override_color: false,
              url: "",
              media_type: "model/gltf-binary",
              data: new Uint8Array([1, 2, 3, 4]),
            },
          ],
        },
      ],
    });
    assert.deepEqual(scene.problems, []);

    const fix = {
      timestamp: time,
      frame_id: "gps",
      latitude: 1,
      longitude: 2,
      altitude: 3,
      position_covariance: [1, 0, 0, 0, 1, 0, 0, 0, 1] as M.LocationFix["position_covariance"],
      position_covariance_type: M.PositionCovarianceType.KNOWN,
    };
    assert.deepEqual(roundTrip(M.LocationFixJson, fix).problems, []);
    const bad = roundTrip(M.LocationFixJson, {
      ...fix,
      position_covariance_type: 9 as M.PositionCovarianceType,
      position_covariance: [1, 2] as unknown as M.LocationFix["position_covariance"],
    });
    assert.equal(bad.problems.length, 2);
  });
});
