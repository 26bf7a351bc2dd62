import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { ClientJsonMessage, ClientJsonMessageV1 } from "./ClientJsonMessage.js";
import { decodeClientJson, decodeClientJsonV1, encodeClientJson } from "./clientJsonCodec.js";
import { everyClientJson, everyClientJsonV1 } from "./testing/sampleMessages.js";

describe("client JSON codec", () => {
  test("round-trips every v2 message type", () => {
    for (const m of everyClientJson) {
      assert.deepStrictEqual(decodeClientJson(encodeClientJson(m)), m);
    }
  });

  test("round-trips v1 shapes and the shared messages through the v1 decoder", () => {
    for (const m of [...everyClientJsonV1, ...everyClientJson.slice(2)]) {
      assert.deepStrictEqual(decodeClientJsonV1(encodeClientJson(m as ClientJsonMessageV1)), m);
    }
  });

  test("v2 subscribe always writes requestVideoTrack", () => {
    assert.equal(
      encodeClientJson({ op: "subscribe", channels: [{ id: 5 }] }),
      '{"op":"subscribe","channels":[{"id":5,"requestVideoTrack":false}]}',
    );
  });

  test("each version rejects the other version's subscribe shape", () => {
    assert.throws(
      () => decodeClientJson('{"op":"subscribe","subscriptions":[{"id":1,"channelId":2}]}'),
      {
        code: "ERR_DECODE",
        message: /channels must be an array/,
      },
    );
    assert.throws(() => decodeClientJsonV1('{"op":"subscribe","channels":[{"id":1}]}'), {
      code: "ERR_DECODE",
      message: /subscriptions must be an array/,
    });
    assert.throws(() => decodeClientJsonV1('{"op":"unsubscribe","channelIds":[1]}'), {
      code: "ERR_DECODE",
    });
  });

  const invalid: [string, RegExp][] = [
    ['{"op":"serverInfo","name":"x","capabilities":[]}', /unknown client op/],
    [
      '{"op":"subscribe","channels":[{"id":1,"requestVideoTrack":"yes"}]}',
      /requestVideoTrack must be a boolean/,
    ],
    [
      '{"op":"advertise","channels":[{"id":1,"topic":"t","encoding":"json"}]}',
      /schemaName must be a string \(got missing\)/,
    ],
    [
      '{"op":"advertise","channels":[{"id":4294967296,"topic":"t","encoding":"json","schemaName":""}]}',
      /unsigned 32-bit/,
    ],
    ['{"op":"getParameters"}', /parameterNames must be an array/],
    [
      '{"op":"setParameters","parameters":[{"name":"x","type":"int64","value":1}]}',
      /not a known parameter type/,
    ],
    ['{"op":"fetchAsset","requestId":1}', /uri must be a string/],
    ['{"op":"fetchAsset","requestId":1.5,"uri":"u"}', /requestId must be an unsigned/],
  ];
  for (const [text, pattern] of invalid) {
    test(`rejects ${text.slice(0, 60)}`, () => {
      assert.throws(() => decodeClientJson(text), { code: "ERR_DECODE", message: pattern });
    });
  }

  test("encoder rejects bad ids with ERR_ENCODE", () => {
    const bad: unknown[] = [
      { op: "subscribe", channels: [{ id: -1 }] },
      { op: "subscribe", subscriptions: [{ id: 2 ** 32, channelId: 1 }] },
      { op: "fetchAsset", requestId: 0.5, uri: "u" },
      { op: "advertise", channels: [{ id: 1, topic: 2, encoding: "json", schemaName: "" }] },
    ];
    for (const m of bad) {
      assert.throws(() => encodeClientJson(m as ClientJsonMessage), { code: "ERR_ENCODE" });
    }
  });
});
