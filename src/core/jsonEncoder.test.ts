import assert from "node:assert/strict";
import { test } from "node:test";
import { isFoxgloveError } from "./FoxgloveError.js";
import { encodeJson, jsonEncoder, jsonSchema } from "./jsonEncoder.js";

const text = (b: Uint8Array): string => new TextDecoder().decode(b);

test("schemaless jsonEncoder writes UTF-8 JSON with bytes as base64", () => {
  const enc = jsonEncoder<{ s: string; data: Uint8Array; n: number[] }>();
  assert.equal(enc.messageEncoding, "json");
  assert.equal(enc.schema, undefined);
  const out = text(enc.encode({ s: "héllo", data: new Uint8Array([0, 1, 254, 255]), n: [1.5] }));
  assert.deepEqual(JSON.parse(out), { s: "héllo", data: "AAH+/w==", n: [1.5] });
});

test("a JSON schema object becomes a jsonschema Schema named after its title", () => {
  const schema = { type: "object", title: "my.Point", properties: { x: { type: "number" } } };
  const enc = jsonEncoder(schema);
  assert.equal(enc.schema?.name, "my.Point");
  assert.equal(enc.schema?.encoding, "jsonschema");
  assert.deepEqual(JSON.parse(text(enc.schema.data)), schema);
});

test("an untitled schema gets a stable hash name; an empty schema has empty data", () => {
  const a = jsonSchema({ type: "object", properties: { x: { type: "number" } } });
  const b = jsonSchema({ type: "object", properties: { x: { type: "number" } } });
  const c = jsonSchema({ type: "object", properties: { y: { type: "number" } } });
  assert.match(a.name, /^schema-[A-Za-z0-9_-]{8}$/);
  assert.equal(a.name, b.name);
  assert.notEqual(a.name, c.name);
  const empty = jsonSchema({});
  assert.equal(empty.data.length, 0);
  assert.match(empty.name, /^schema-/);
});

test("a Schema is used as is; non-object JSON schemas are rejected", () => {
  const s = { name: "x", encoding: "jsonschema", data: new Uint8Array([123, 125]) };
  assert.equal(jsonEncoder(s).schema, s);
  assert.throws(
    () => jsonEncoder({ type: "array" }),
    (e) => isFoxgloveError(e, "ERR_VALUE"),
  );
});

test("values JSON cannot represent fail with ERR_ENCODE", () => {
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  for (const bad of [cyclic, { big: 1n }, undefined]) {
    assert.throws(
      () => encodeJson(bad),
      (e) => isFoxgloveError(e, "ERR_ENCODE"),
    );
  }
});
