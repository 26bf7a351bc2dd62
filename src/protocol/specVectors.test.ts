import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { decodeBase64, encodeBase64 } from "./base64.js";
import {
  decodeClientBinary,
  decodeClientBinaryV1,
  encodeClientBinary,
} from "./clientBinaryCodec.js";
import { decodeClientJson, decodeClientJsonV1, encodeClientJson } from "./clientJsonCodec.js";
import { decodeDataTrackFrame, encodeDataTrackFrame } from "./dataTrackFrameCodec.js";
import { FrameDecoder } from "./FrameDecoder.js";
import {
  decodeClientFrame,
  decodeServerFrame,
  encodeClientFrame,
  encodeServerFrame,
} from "./messageFrames.js";
import { decodeParameter, encodeParameter } from "./parameterCodec.js";
import { parseJson } from "./parseJson.js";
import { decodeSchemaText, encodeSchemaText } from "./schemaText.js";
import {
  decodeServerBinary,
  decodeServerBinaryV1,
  encodeServerBinary,
} from "./serverBinaryCodec.js";
import { decodeServerJson, encodeServerJson } from "./serverJsonCodec.js";
import {
  base64Vectors,
  clientBinaryV1Vectors,
  clientBinaryVectors,
  clientJsonV1Vectors,
  clientJsonVectors,
  dataTrackVectors,
  frameVectors,
  hex,
  l19BinaryVectors,
  parameterVectors,
  serverBinaryV1Vectors,
  serverBinaryVectors,
  serverJsonVectors,
} from "./testing/specVectors.js";

/** Checks one JSON vector: decode, compare, re-encode (exactly or semantically), decode again. */
function checkJson<T>(
  v: { json: string; expect?: T; exact?: boolean; reencoded?: string },
  decode: (text: string) => T,
  encode: (message: T) => string,
): void {
  const message = decode(v.json);
  if (v.expect !== undefined) {
    assert.deepStrictEqual(message, v.expect);
  }
  const text = encode(message);
  if (v.exact === true) {
    assert.equal(text, v.json);
  } else if (v.reencoded !== undefined) {
    assert.equal(text, v.reencoded);
  } else {
    assert.deepStrictEqual(JSON.parse(text), JSON.parse(v.json));
  }
  assert.ok(!/\s/.test(text.replace(/"(?:[^"\\]|\\.)*"/g, "")), "compact output");
  assert.deepStrictEqual(decode(text), message);
}

function checkBinary<T>(
  v: { hex: string; expect: T },
  decode: (bytes: Uint8Array) => T,
  encode: (message: T) => Uint8Array,
): void {
  const bytes = hex(v.hex);
  const message = decode(bytes);
  assert.deepStrictEqual(message, v.expect);
  assert.deepStrictEqual(encode(message), bytes);
}

describe("spec vectors", () => {
  const all = [
    ...serverJsonVectors,
    ...clientJsonVectors,
    ...clientJsonV1Vectors,
    ...parameterVectors,
    ...serverBinaryVectors,
    ...clientBinaryVectors,
    ...l19BinaryVectors,
    ...frameVectors,
    ...dataTrackVectors,
  ];

  test("the table covers every section with examples", () => {
    const sections = new Set(all.map((v) => v.section));
    for (const s of [
      "1.4",
      "1.5",
      ...["3.2.1", "3.2.2", "3.2.3", "3.2.4", "3.2.5", "3.2.6", "3.2.7", "3.2.8", "3.2.9"],
      "3.2.10",
      ...["3.3.1", "3.3.2", "3.3.3", "3.3.4", "3.3.5", "3.3.6", "3.3.7", "3.3.8", "3.3.9"],
      ...["3.3.10", "3.3.11", "3.5"],
      ...["4.2.1", "4.2.2", "4.2.3", "4.2.4", "4.2.5", "4.2.6"],
      ...["4.3.1", "4.3.2", "4.3.3", "4.3.4", "4.3.5", "4.4", "A.4"],
    ]) {
      assert.ok(sections.has(s), `no vector for section ${s}`);
    }
    assert.ok(serverBinaryV1Vectors.some((v) => v.section === "A.5"));
  });

  for (const v of serverJsonVectors) {
    test(`${v.section} server JSON ${v.json.slice(0, 40).replace(/\s+/g, " ")}`, () => {
      checkJson(v, decodeServerJson, encodeServerJson);
    });
  }
  for (const v of clientJsonVectors) {
    test(`${v.section} client JSON ${v.json.slice(0, 40).replace(/\s+/g, " ")}`, () => {
      checkJson(v, decodeClientJson, encodeClientJson);
    });
  }
  for (const v of clientJsonV1Vectors) {
    test(`${v.section} client JSON v1 ${v.json.slice(0, 40)}`, () => {
      checkJson(v, decodeClientJsonV1, encodeClientJson);
    });
  }
  for (const v of parameterVectors) {
    test(`${v.section} parameter ${v.json}`, () => {
      checkJson(
        v,
        (text) => decodeParameter(parseJson(text), "test", "parameter"),
        (p) => encodeParameter(p),
      );
    });
  }
  test("3.5 parameter vectors are byte-exact except the untyped nested float 1.0", () => {
    for (const v of parameterVectors) {
      const text = encodeParameter(decodeParameter(parseJson(v.json), "test", "p"));
      assert.equal(text, v.json.replace('"inner":1.0', '"inner":1'));
    }
  });

  for (const v of serverBinaryVectors) {
    test(`${v.section} server binary ${v.expect.op} ${v.hex.slice(0, 24)}`, () => {
      checkBinary(v, decodeServerBinary, encodeServerBinary);
    });
  }
  for (const v of serverBinaryV1Vectors) {
    test(`${v.section} server binary v1 ${v.expect.op} ${v.hex.slice(0, 24)}`, () => {
      checkBinary(v, decodeServerBinaryV1, encodeServerBinary);
    });
  }
  for (const v of clientBinaryVectors) {
    test(`${v.section} client binary ${v.expect.op} ${v.hex.slice(0, 24)}`, () => {
      checkBinary(v, decodeClientBinary, encodeClientBinary);
    });
  }
  for (const v of clientBinaryV1Vectors) {
    test(`${v.section} client binary v1 ${v.expect.op} ${v.hex.slice(0, 24)}`, () => {
      checkBinary(v, decodeClientBinaryV1, encodeClientBinary);
    });
  }
  for (const v of l19BinaryVectors) {
    test(`${v.section} L19 binary ${v.hex.slice(0, 2)}: Ping/PingAck in 2.2.0, rejected by v1`, () => {
      assert.deepStrictEqual(decodeClientBinary(hex(v.hex)), v.v2);
      assert.throws(() => decodeClientBinaryV1(hex(v.hex)), { code: "ERR_DECODE" });
    });
  }

  for (const v of frameVectors) {
    test(`${v.section} ${v.direction} frame ${v.hex.slice(0, 14)}`, () => {
      const bytes = hex(v.hex);
      const frames = new FrameDecoder().push(bytes);
      assert.equal(frames.length, 1);
      if (v.direction === "server") {
        assert.deepStrictEqual(decodeServerFrame(frames[0]!), v.expect);
        assert.deepStrictEqual(encodeServerFrame(v.expect), bytes);
      } else {
        assert.deepStrictEqual(decodeClientFrame(frames[0]!), v.expect);
        assert.deepStrictEqual(encodeClientFrame(v.expect), bytes);
      }
    });
  }

  for (const v of dataTrackVectors) {
    test(`${v.section} data-track frame ${v.hex}`, () => {
      const bytes = hex(v.hex);
      assert.deepStrictEqual(decodeDataTrackFrame(bytes), v.expect);
      assert.deepStrictEqual(encodeDataTrackFrame(v.expect.sequence, v.expect.data), bytes);
    });
  }

  for (const v of base64Vectors) {
    test(`${v.section} base64 ${v.text}`, () => {
      assert.equal(encodeBase64(v.bytes), v.text);
      assert.deepStrictEqual(decodeBase64(v.text), v.bytes);
      assert.equal(encodeSchemaText("protobuf", v.bytes), v.text);
      assert.deepStrictEqual(decodeSchemaText("flatbuffer", v.text), v.bytes);
    });
  }
});
