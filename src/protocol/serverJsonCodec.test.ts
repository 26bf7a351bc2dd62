import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { ServerJsonMessage } from "./ServerJsonMessage.js";
import { everyServerJson } from "./testing/sampleMessages.js";
import { decodeServerJson, encodeServerJson } from "./serverJsonCodec.js";

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

describe("server JSON codec", () => {
  test("round-trips every message type (text and UTF-8 bytes)", () => {
    for (const m of everyServerJson) {
      const text = encodeServerJson(m);
      assert.deepStrictEqual(decodeServerJson(text), m, text);
      assert.deepStrictEqual(decodeServerJson(utf8(text)), m);
    }
  });

  test("serializes like the reference: op first, spec order, sorted channel metadata", () => {
    const text = encodeServerJson(everyServerJson[4]!);
    assert.equal(
      text,
      '{"op":"advertise","channels":[{"id":9007199254740991,"topic":"/a","encoding":"protobuf",' +
        '"schemaName":"foo.Bar","schemaEncoding":"protobuf","schema":"AAEC","metadata":{"a":"1","b":"2"}}]}',
    );
    assert.equal(
      encodeServerJson({ op: "serverInfo", name: "x", capabilities: [], supportedEncodings: [] }),
      '{"op":"serverInfo","name":"x","capabilities":[]}',
    );
  });

  test("sorts metadata keys by code point, not UTF-16 unit", () => {
    const text = encodeServerJson({
      op: "advertise",
      channels: [
        {
          id: 1,
          topic: "t",
          encoding: "json",
          schemaName: "",
          schema: "",
          metadata: { "\u{1F600}": "a", "\uFF01": "b" },
        },
      ],
    });
    assert.ok(text.indexOf("\uFF01") < text.indexOf("\u{1F600}"));
  });

  test("accepts op anywhere, ignores unknown fields, treats null optionals as absent", () => {
    assert.deepStrictEqual(
      decodeServerJson('{"level":1,"message":"m","future":{"x":[1]},"op":"status","id":null}'),
      { op: "status", level: 1, message: "m" },
    );
  });

  test("keeps a __proto__ metadata key as data", () => {
    const m = decodeServerJson(
      '{"op":"serverInfo","name":"n","capabilities":[],"metadata":{"__proto__":"x"}}',
    );
    assert.ok(m.op === "serverInfo");
    assert.equal(Object.getPrototypeOf(m.metadata), Object.prototype);
    assert.equal(Object.getOwnPropertyDescriptor(m.metadata, "__proto__")?.value, "x");
  });

  const invalid: [string, RegExp][] = [
    ["", /Invalid JSON/],
    ["[1]", /not a JSON object/],
    ['{"op":1}', /"op" must be a string/],
    ['{"op":"subscribe","channels":[]}', /unknown server op "subscribe"/],
    ['{"op":"serverInfo","capabilities":[]}', /name must be a string \(got missing\)/],
    ['{"op":"serverInfo","name":"n","capabilities":["a",1]}', /capabilities\[1\] must be a string/],
    ['{"op":"serverInfo","name":"n","capabilities":[],"metadata":{"a":1}}', /metadata values/],
    [
      '{"op":"serverInfo","name":"n","capabilities":[],"dataStartTime":{"sec":-1,"nsec":0}}',
      /dataStartTime.sec/,
    ],
    ['{"op":"status","level":3,"message":"m"}', /level must be 0, 1 or 2/],
    ['{"op":"status","level":1.0,"message":"m"}', /level must be an unsigned 32-bit integer/],
    ['{"op":"status","level":1,"message":null}', /message must be a string \(got null\)/],
    ['{"op":"unadvertise","channelIds":[9007199254740992]}', /below 2\^53/],
    ['{"op":"unadvertise","channelIds":[-1]}', /below 2\^53/],
    ['{"op":"unadvertise","channelIds":[1e3]}', /below 2\^53/],
    [
      '{"op":"advertise","channels":[{"id":1,"topic":"t","encoding":"json","schemaName":"","schema":7}]}',
      /channels\[0\].schema must be a string/,
    ],
    ['{"op":"advertise","channels":[1]}', /channels\[0\] must be an object/],
    [
      '{"op":"advertiseServices","services":[{"id":1,"name":"n","type":"t","responseSchema":""}]}',
      /services\[0\].request must be an object/,
    ],
    [
      '{"op":"advertiseServices","services":[{"id":4294967296,"name":"n","type":"t"}]}',
      /unsigned 32-bit/,
    ],
    [
      '{"op":"connectionGraphUpdate","publishedTopics":[],"subscribedTopics":[],"advertisedServices":[],"removedTopics":[]}',
      /removedServices must be an array/,
    ],
    ['{"op":"parameterValues","parameters":[{"name":"p","value":null}]}', /must not be null/],
    ['{"op":"parameterValues","parameters":[{"name":"p","extra":1}]}', /unknown key/],
    [
      '{"op":"serviceCallFailure","serviceId":1,"callId":"1","message":"m"}',
      /callId must be an unsigned/,
    ],
  ];
  for (const [text, pattern] of invalid) {
    test(`rejects ${text.slice(0, 60) || "empty input"}`, () => {
      assert.throws(
        () => decodeServerJson(text),
        (e: unknown) => {
          assert.ok(e instanceof Error && "code" in e && e.code === "ERR_DECODE", String(e));
          assert.match(e.message, pattern);
          return true;
        },
      );
    });
  }

  test("rejects invalid UTF-8 bytes", () => {
    assert.throws(() => decodeServerJson(new Uint8Array([0x7b, 0xff, 0x7d])), {
      code: "ERR_DECODE",
      message: /Invalid UTF-8/,
    });
  });

  test("encoder rejects out-of-range ids and wrong types with ERR_ENCODE", () => {
    const bad: unknown[] = [
      { op: "unadvertise", channelIds: [2 ** 53] },
      { op: "unadvertiseServices", serviceIds: [-1] },
      { op: "status", level: 5, message: "m" },
      { op: "status", level: 1, message: 7 },
      { op: "removeStatus", statusIds: "x" },
      { op: "serverInfo", name: "n", capabilities: [], dataStartTime: { sec: 1.5, nsec: 0 } },
      { op: "nope" },
    ];
    for (const m of bad) {
      assert.throws(() => encodeServerJson(m as ServerJsonMessage), { code: "ERR_ENCODE" });
    }
  });
});

describe("schema-table advertise (delta 1.3)", () => {
  test("encodes like the reference snapshot test_encode", () => {
    assert.equal(
      encodeServerJson({
        op: "advertise",
        schemas: [
          { id: 1, name: "t2-schema", encoding: "jsonschema", data: '{"type": "object"}' },
          { id: 2, name: "t3-schema", encoding: "protobuf", data: "3q2+7w==" },
        ],
        channels: [
          { id: 10, topic: "/t1", encoding: "json" },
          { id: 20, topic: "/t2", encoding: "json", schemaId: 1 },
          { id: 30, topic: "/t3", encoding: "protobuf", schemaId: 2 },
          {
            id: 40,
            topic: "/t4",
            encoding: "json",
            metadata: { "foxglove.hasVideoTrack": "true" },
          },
        ],
      }),
      '{"op":"advertise","schemas":[{"id":1,"name":"t2-schema","encoding":"jsonschema","data":"{\\"type\\": \\"object\\"}"},' +
        '{"id":2,"name":"t3-schema","encoding":"protobuf","data":"3q2+7w=="}],' +
        '"channels":[{"id":10,"topic":"/t1","encoding":"json"},{"id":20,"topic":"/t2","encoding":"json","schemaId":1},' +
        '{"id":30,"topic":"/t3","encoding":"protobuf","schemaId":2},' +
        '{"id":40,"topic":"/t4","encoding":"json","metadata":{"foxglove.hasVideoTrack":"true"}}]}',
    );
  });

  test("decodes by shape, never by version", () => {
    // no schemaName: the schema-table form even without schemas (test_parse_json_advertise_schema_table)
    assert.deepStrictEqual(
      decodeServerJson('{"op":"advertise","channels":[{"id":1,"topic":"/t","encoding":"json"}]}'),
      { op: "advertise", schemas: [], channels: [{ id: 1, topic: "/t", encoding: "json" }] },
    );
    assert.deepStrictEqual(
      decodeServerJson(
        '{"op":"advertise","schemas":[{"id":3,"name":"n","encoding":"e","data":"d"}],' +
          '"channels":[{"id":1,"topic":"/t","encoding":"json","schemaId":3,"metadata":{"a":"b"}}]}',
      ),
      {
        op: "advertise",
        schemas: [{ id: 3, name: "n", encoding: "e", data: "d" }],
        channels: [{ id: 1, topic: "/t", encoding: "json", schemaId: 3, metadata: { a: "b" } }],
      },
    );
    // complete inline channels: the inline form
    const inline = decodeServerJson(
      '{"op":"advertise","channels":[{"id":1,"topic":"/t","encoding":"json","schemaName":"","schema":""}]}',
    );
    assert.ok(inline.op === "advertise" && !("schemas" in inline));
    // an empty schemas list still round-trips to the omitted form
    assert.equal(
      encodeServerJson({
        op: "advertise",
        schemas: [],
        channels: [{ id: 1, topic: "/t", encoding: "json" }],
      }),
      '{"op":"advertise","channels":[{"id":1,"topic":"/t","encoding":"json"}]}',
    );
  });

  test("rejects ill-typed schema-table fields", () => {
    for (const bad of [
      '{"op":"advertise","schemas":[{"id":-1,"name":"n","encoding":"e","data":"d"}],"channels":[]}',
      '{"op":"advertise","schemas":{},"channels":[]}',
      '{"op":"advertise","channels":[{"id":1,"topic":"/t","encoding":"json","schemaId":"1"}]}',
    ]) {
      assert.throws(() => decodeServerJson(bad), { code: "ERR_DECODE" }, bad);
    }
  });
});
