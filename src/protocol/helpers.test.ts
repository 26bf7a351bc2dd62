import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { decodeBase64, encodeBase64, isBase64 } from "./base64.js";
import { isCapability } from "./Capability.js";
import { decodeSchemaText, encodeSchemaText, messageEncodingRequiresSchema } from "./schemaText.js";
import { isStatusLevel, statusLevelName } from "./StatusLevel.js";
import {
  decodeClientMessageV1,
  decodeServerMessageV1,
  encodeClientMessageV1,
  encodeServerMessageV1,
} from "./webSocketMessages.js";
import {
  dataTrackName,
  parseDataTrackName,
  parseVideoTrackName,
  videoTrackName,
} from "./wireNames.js";
import { fromWireTime, toWireTime } from "./wireTime.js";
import {
  everyClientBinaryV1,
  everyClientJson,
  everyClientJsonV1,
  everyServerBinaryV1,
  everyServerJson,
} from "./testing/sampleMessages.js";
import type { ClientMessageV1 } from "./ClientMessage.js";

describe("base64", () => {
  test("round-trips every length and byte value against Buffer", () => {
    for (let n = 0; n < 300; n++) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 37 + n) & 255);
      const text = encodeBase64(bytes);
      assert.equal(text, Buffer.from(bytes).toString("base64"));
      assert.deepStrictEqual(decodeBase64(text), bytes);
    }
  });

  test("is strict", () => {
    for (const bad of [
      "A",
      "AB",
      "ABC",
      "AB=C",
      "A===",
      "ECAw\n",
      "EC w",
      "ECA-",
      "ECA_",
      "AB==AAAA",
      "AR==",
      "ECB=",
    ]) {
      assert.equal(isBase64(bad), false, bad);
      assert.throws(() => decodeBase64(bad), { code: "ERR_DECODE" });
    }
  });
});

describe("schema text (3.4)", () => {
  test("binary encodings use base64, others UTF-8 text", () => {
    const pb = new Uint8Array([0xde, 0xad, 0xbe, 0xef]);
    assert.equal(encodeSchemaText("protobuf", pb), "3q2+7w==");
    assert.equal(
      encodeSchemaText("jsonschema", new TextEncoder().encode('{"a":"é"}')),
      '{"a":"é"}',
    );
    assert.deepStrictEqual(
      decodeSchemaText("ros2msg", "int32 x"),
      new TextEncoder().encode("int32 x"),
    );
  });

  test("errors are typed", () => {
    assert.throws(() => encodeSchemaText("ros1msg", new Uint8Array([0xff])), {
      code: "ERR_ENCODE",
    });
    assert.throws(() => decodeSchemaText("flatbuffer", "!!"), {
      code: "ERR_DECODE",
      message: /flatbuffer schema/,
    });
  });

  test("knows which message encodings require a schema", () => {
    assert.deepStrictEqual(
      ["protobuf", "flatbuffer", "ros1", "cdr", "json", "cbor"].map(messageEncodingRequiresSchema),
      [true, true, true, true, false, false],
    );
  });
});

describe("small helpers", () => {
  test("status levels and capabilities", () => {
    assert.deepStrictEqual(
      [0, 1, 2].map((l) => statusLevelName(l as 0)),
      ["info", "warning", "error"],
    );
    assert.equal(isStatusLevel(3), false);
    assert.equal(isCapability("parametersSubscribe"), true);
    assert.equal(isCapability("teleport"), false);
  });

  test("wire time splits nanoseconds and saturates seconds", () => {
    assert.deepStrictEqual(toWireTime(1_000_000n), { sec: 0, nsec: 1_000_000 });
    assert.deepStrictEqual(toWireTime(5_000_000_007n), { sec: 5, nsec: 7 });
    assert.deepStrictEqual(toWireTime(2n ** 64n - 1n), { sec: 4294967295, nsec: 709551615 });
    assert.equal(fromWireTime({ sec: 5, nsec: 7 }), 5_000_000_007n);
  });

  test("track names", () => {
    assert.equal(dataTrackName(7), "data-ch-7");
    assert.equal(videoTrackName(12), "video-ch-12");
    assert.equal(parseDataTrackName("data-ch-7"), 7);
    assert.equal(parseVideoTrackName("video-ch-0"), 0);
    for (const bad of [
      "data-ch-07",
      "data-ch-",
      "data-ch-1a",
      "ch-1",
      "data-ch-99999999999999999",
      "video-ch-1",
    ]) {
      assert.equal(parseDataTrackName(bad), undefined, bad);
    }
  });
});

describe("v1 WebSocket messages (appendix A)", () => {
  test("server messages: JSON as text, binary as bytes, round trip", () => {
    for (const m of [...everyServerJson, ...everyServerBinaryV1]) {
      const wire = encodeServerMessageV1(m);
      assert.equal(
        typeof wire === "string",
        !(
          "data" in m ||
          "timestamp" in m ||
          m.op === "fetchAssetResponse" ||
          m.op === "playbackState"
        ),
      );
      assert.deepStrictEqual(decodeServerMessageV1(wire), m);
    }
  });

  test("client messages round trip", () => {
    const all: ClientMessageV1[] = [
      ...everyClientJsonV1,
      ...(everyClientJson.slice(2) as ClientMessageV1[]),
      ...everyClientBinaryV1,
    ];
    for (const m of all) {
      assert.deepStrictEqual(decodeClientMessageV1(encodeClientMessageV1(m)), m);
    }
  });
});
