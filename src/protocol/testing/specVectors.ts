// Every JSON and hex example of /work/shared/spec/protocol.md (sections 1.4, 1.5, 3, 4, A) as a
// test vector, each naming its section. Test-only (excluded from the build).
import type { ClientBinaryMessage, ClientBinaryMessageV1 } from "../ClientBinaryMessage.js";
import type { ClientJsonMessage, ClientJsonMessageV1 } from "../ClientJsonMessage.js";
import type { ClientMessage } from "../ClientMessage.js";
import type { DataTrackFrame } from "../DataTrackFrame.js";
import type { Parameter } from "../Parameter.js";
import type { ServerBinaryMessage, ServerBinaryMessageV1 } from "../ServerBinaryMessage.js";
import type { ServerJsonMessage } from "../ServerJsonMessage.js";
import type { ServerMessage } from "../ServerMessage.js";

/** Bytes of a hex dump as printed in the spec (`|` separators and spaces ignored). */
export function hex(text: string): Uint8Array {
  const digits = text.replace(/[\s|]/g, "");
  if (!/^([0-9a-f]{2})*$/i.test(digits)) {
    throw new Error(`bad hex: ${text}`);
  }
  return Uint8Array.from(digits.match(/../g) ?? [], (b) => parseInt(b, 16));
}

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const KEY_VALUE = utf8('{"key": "value"}');

interface JsonVector<T> {
  section: string;
  /** The example text as printed. */
  json: string;
  /** The decoded message (omit to only check the round trip). */
  expect?: T;
  /** `exact`: the spec marks it "wire"; re-encoding must give the same text byte for byte. */
  exact?: boolean;
  /** Exact compact text the encoder must produce when it differs semantically (defaults filled). */
  reencoded?: string;
}

interface BinaryVector<T> {
  section: string;
  hex: string;
  expect: T;
}

/** Server → client JSON vectors (3.2). */
export const serverJsonVectors: JsonVector<ServerJsonMessage>[] = [
  {
    section: "3.2.1",
    json: `{
      "op": "serverInfo",
      "name": "example server",
      "capabilities": ["clientPublish", "time", "playbackControl"],
      "supportedEncodings": ["json"],
      "metadata": { "key": "value" },
      "sessionId": "1675789422160",
      "dataStartTime": { "sec": 0, "nsec": 1000000 },
      "dataEndTime": { "sec": 0, "nsec": 1000005 }
    }`,
    expect: {
      op: "serverInfo",
      name: "example server",
      capabilities: ["clientPublish", "time", "playbackControl"],
      supportedEncodings: ["json"],
      metadata: { key: "value" },
      sessionId: "1675789422160",
      dataStartTime: { sec: 0, nsec: 1000000 },
      dataEndTime: { sec: 0, nsec: 1000005 },
    },
  },
  {
    section: "3.2.1",
    json: `{"op":"serverInfo","name":"example server","capabilities":[]}`,
    exact: true,
    expect: { op: "serverInfo", name: "example server", capabilities: [] },
  },
  {
    section: "3.2.1",
    json: `{"op":"serverInfo","name":"my-robot","capabilities":["clientPublish","parameters","parametersSubscribe","services","assets","connectionGraph"],"supportedEncodings":["json"],"metadata":{"fg-library":"foxglove-sdk-rust/0.26.0"},"sessionId":"ras_0123abcd"}`,
    exact: true,
    expect: {
      op: "serverInfo",
      name: "my-robot",
      capabilities: [
        "clientPublish",
        "parameters",
        "parametersSubscribe",
        "services",
        "assets",
        "connectionGraph",
      ],
      supportedEncodings: ["json"],
      metadata: { "fg-library": "foxglove-sdk-rust/0.26.0" },
      sessionId: "ras_0123abcd",
    },
  },
  {
    section: "3.2.2",
    json: `{"op":"status","level":1,"message":"Oh no"}`,
    exact: true,
    expect: { op: "status", level: 1, message: "Oh no" },
  },
  {
    section: "3.2.2",
    json: `{ "op": "status", "level": 1, "message": "Oh no", "id": "my-id" }`,
    expect: { op: "status", level: 1, message: "Oh no", id: "my-id" },
  },
  {
    section: "3.2.3",
    json: `{ "op": "removeStatus", "statusIds": ["status-1", "status-2", "status-3"] }`,
    expect: { op: "removeStatus", statusIds: ["status-1", "status-2", "status-3"] },
  },
  {
    section: "3.2.4",
    json: `{
      "op": "advertise",
      "channels": [
        { "id": 10, "topic": "/t1", "encoding": "json", "schemaName": "", "schema": "" },
        { "id": 20, "topic": "/t2", "encoding": "json", "schemaName": "t2-schema",
          "schemaEncoding": "jsonschema", "schema": "{\\"type\\": \\"object\\"}" },
        { "id": 30, "topic": "/t3", "encoding": "protobuf", "schemaName": "t3-schema",
          "schemaEncoding": "protobuf", "schema": "3q2+7w==" },
        { "id": 40, "topic": "/t4", "encoding": "json", "schemaName": "", "schema": "",
          "metadata": { "foxglove.hasVideoTrack": "true" } }
      ]
    }`,
    expect: {
      op: "advertise",
      channels: [
        { id: 10, topic: "/t1", encoding: "json", schemaName: "", schema: "" },
        {
          id: 20,
          topic: "/t2",
          encoding: "json",
          schemaName: "t2-schema",
          schemaEncoding: "jsonschema",
          schema: '{"type": "object"}',
        },
        {
          id: 30,
          topic: "/t3",
          encoding: "protobuf",
          schemaName: "t3-schema",
          schemaEncoding: "protobuf",
          schema: "3q2+7w==",
        },
        {
          id: 40,
          topic: "/t4",
          encoding: "json",
          schemaName: "",
          schema: "",
          metadata: { "foxglove.hasVideoTrack": "true" },
        },
      ],
    },
  },
  {
    section: "3.2.5",
    json: `{ "op": "unadvertise", "channelIds": [1, 2, 3] }`,
    expect: { op: "unadvertise", channelIds: [1, 2, 3] },
  },
  {
    section: "3.2.5",
    json: `{"op":"removeStatus","statusIds":["channel-drops-7"]}`,
    exact: true,
    expect: { op: "removeStatus", statusIds: ["channel-drops-7"] },
  },
  {
    section: "3.2.6",
    json: `{
      "op": "parameterValues",
      "parameters": [
        { "name": "f64", "type": "float64", "value": 1.23 },
        { "name": "f64[]", "type": "float64_array", "value": [1.23, 4.56] },
        { "name": "str", "value": "hello" },
        { "name": "byte[]", "type": "byte_array", "value": "ECAw" },
        { "name": "bool", "value": true }
      ],
      "id": "my-id"
    }`,
    expect: {
      op: "parameterValues",
      parameters: [
        { name: "f64", type: "float64", value: 1.23 },
        { name: "f64[]", type: "float64_array", value: [1.23, 4.56] },
        { name: "str", value: "hello" },
        { name: "byte[]", type: "byte_array", value: new Uint8Array([0x10, 0x20, 0x30]) },
        { name: "bool", value: true },
      ],
      id: "my-id",
    },
  },
  {
    section: "3.2.6",
    json: `{"op":"parameterValues","parameters":[{"name":"empty"}]}`,
    exact: true,
    expect: { op: "parameterValues", parameters: [{ name: "empty" }] },
  },
  {
    section: "3.2.7",
    json: `{
      "op": "advertiseServices",
      "services": [
        { "id": 10, "name": "/s1", "type": "my_type",
          "request":  { "encoding": "json", "schemaName": "request-schema",
                        "schemaEncoding": "jsonschema", "schema": "{\\"type\\": \\"object\\"}" },
          "response": { "encoding": "json", "schemaName": "response-schema",
                        "schemaEncoding": "jsonschema", "schema": "{\\"type\\": \\"object\\"}" } },
        { "id": 20, "name": "/s2", "type": "other_type",
          "request":  { "encoding": "protobuf", "schemaName": "request-schema",
                        "schemaEncoding": "protobuf", "schema": "3q2+7w==" },
          "responseSchema": "" },
        { "id": 30, "name": "/s3", "type": "old_type",
          "requestSchema": "request-schema", "responseSchema": "response-schema" },
        { "id": 70, "name": "/s7", "type": "default_schemas",
          "requestSchema": "", "responseSchema": "" }
      ]
    }`,
    expect: {
      op: "advertiseServices",
      services: [
        {
          id: 10,
          name: "/s1",
          type: "my_type",
          request: {
            encoding: "json",
            schemaName: "request-schema",
            schemaEncoding: "jsonschema",
            schema: '{"type": "object"}',
          },
          response: {
            encoding: "json",
            schemaName: "response-schema",
            schemaEncoding: "jsonschema",
            schema: '{"type": "object"}',
          },
        },
        {
          id: 20,
          name: "/s2",
          type: "other_type",
          request: {
            encoding: "protobuf",
            schemaName: "request-schema",
            schemaEncoding: "protobuf",
            schema: "3q2+7w==",
          },
          responseSchema: "",
        },
        {
          id: 30,
          name: "/s3",
          type: "old_type",
          requestSchema: "request-schema",
          responseSchema: "response-schema",
        },
        { id: 70, name: "/s7", type: "default_schemas", requestSchema: "", responseSchema: "" },
      ],
    },
  },
  {
    section: "3.2.8",
    json: `{ "op": "unadvertiseServices", "serviceIds": [1, 2] }`,
    expect: { op: "unadvertiseServices", serviceIds: [1, 2] },
  },
  {
    section: "3.2.9",
    json: `{
      "op": "connectionGraphUpdate",
      "publishedTopics": [{ "name": "/t1", "publisherIds": ["p1", "p2"] }],
      "subscribedTopics": [{ "name": "/t2", "subscriberIds": ["s1", "s2"] }],
      "advertisedServices": [{ "name": "/s1", "providerIds": ["pr1", "pr2"] }],
      "removedTopics": ["/t3", "/t4"],
      "removedServices": ["/s2", "/s3"]
    }`,
    expect: {
      op: "connectionGraphUpdate",
      publishedTopics: [{ name: "/t1", publisherIds: ["p1", "p2"] }],
      subscribedTopics: [{ name: "/t2", subscriberIds: ["s1", "s2"] }],
      advertisedServices: [{ name: "/s1", providerIds: ["pr1", "pr2"] }],
      removedTopics: ["/t3", "/t4"],
      removedServices: ["/s2", "/s3"],
    },
  },
  {
    section: "3.2.10",
    json: `{ "op": "serviceCallFailure", "serviceId": 1, "callId": 1, "message": "Service does not exist" }`,
    expect: {
      op: "serviceCallFailure",
      serviceId: 1,
      callId: 1,
      message: "Service does not exist",
    },
  },
];

/** Client → server JSON vectors of protocol v2 (3.3). */
export const clientJsonVectors: JsonVector<ClientJsonMessage>[] = [
  {
    section: "3.3.1",
    json: `{ "op": "subscribe", "channels": [{ "id": 10, "requestVideoTrack": false },
                                      { "id": 20, "requestVideoTrack": true }] }`,
    expect: {
      op: "subscribe",
      channels: [
        { id: 10, requestVideoTrack: false },
        { id: 20, requestVideoTrack: true },
      ],
    },
  },
  {
    section: "3.3.1",
    json: `{"op": "subscribe", "channels": [{"id": 10}, {"id": 20, "requestVideoTrack": true}]}`,
    reencoded: `{"op":"subscribe","channels":[{"id":10,"requestVideoTrack":false},{"id":20,"requestVideoTrack":true}]}`,
    expect: {
      op: "subscribe",
      channels: [
        { id: 10, requestVideoTrack: false },
        { id: 20, requestVideoTrack: true },
      ],
    },
  },
  {
    section: "3.3.2",
    json: `{ "op": "unsubscribe", "channelIds": [1, 2, 3] }`,
    expect: { op: "unsubscribe", channelIds: [1, 2, 3] },
  },
  {
    section: "3.3.3",
    json: `{
      "op": "advertise",
      "channels": [
        { "id": 10, "topic": "/t1", "encoding": "json", "schemaName": "" },
        { "id": 20, "topic": "/t2", "encoding": "json", "schemaName": "t2-schema",
          "schemaEncoding": "jsonschema", "schema": "{\\"type\\": \\"object\\"}" },
        { "id": 30, "topic": "/t3", "encoding": "protobuf", "schemaName": "t3-schema",
          "schemaEncoding": "protobuf", "schema": "3q2+7w==" }
      ]
    }`,
    expect: {
      op: "advertise",
      channels: [
        { id: 10, topic: "/t1", encoding: "json", schemaName: "" },
        {
          id: 20,
          topic: "/t2",
          encoding: "json",
          schemaName: "t2-schema",
          schemaEncoding: "jsonschema",
          schema: '{"type": "object"}',
        },
        {
          id: 30,
          topic: "/t3",
          encoding: "protobuf",
          schemaName: "t3-schema",
          schemaEncoding: "protobuf",
          schema: "3q2+7w==",
        },
      ],
    },
  },
  {
    section: "3.3.4",
    json: `{ "op": "unadvertise", "channelIds": [1, 2, 3] }`,
    expect: { op: "unadvertise", channelIds: [1, 2, 3] },
  },
  {
    section: "3.3.5",
    json: `{ "op": "getParameters", "parameterNames": ["param1", "param2"], "id": "my-id" }`,
    expect: { op: "getParameters", parameterNames: ["param1", "param2"], id: "my-id" },
  },
  {
    section: "3.3.5",
    json: `{"op":"getParameters","parameterNames":["param1","param2"]}`,
    exact: true,
    expect: { op: "getParameters", parameterNames: ["param1", "param2"] },
  },
  {
    section: "3.3.6",
    json: `{
      "op": "setParameters",
      "parameters": [
        { "name": "empty" },
        { "name": "int", "value": 123 },
        { "name": "int[]", "value": [123, 456] },
        { "name": "f64", "type": "float64", "value": 1.23 },
        { "name": "f64[]", "type": "float64_array", "value": [1.23, 4.56] },
        { "name": "str", "value": "hello" },
        { "name": "byte[]", "type": "byte_array", "value": "ECAw" },
        { "name": "bool", "value": true }
      ],
      "id": "my-id"
    }`,
    expect: {
      op: "setParameters",
      parameters: [
        { name: "empty" },
        { name: "int", value: 123 },
        { name: "int[]", value: [123, 456] },
        { name: "f64", type: "float64", value: 1.23 },
        { name: "f64[]", type: "float64_array", value: [1.23, 4.56] },
        { name: "str", value: "hello" },
        { name: "byte[]", type: "byte_array", value: new Uint8Array([0x10, 0x20, 0x30]) },
        { name: "bool", value: true },
      ],
      id: "my-id",
    },
  },
  {
    section: "3.3.7",
    json: `{ "op": "subscribeParameterUpdates", "parameterNames": ["param1", "param2"] }`,
    expect: { op: "subscribeParameterUpdates", parameterNames: ["param1", "param2"] },
  },
  {
    section: "3.3.8",
    json: `{ "op": "unsubscribeParameterUpdates", "parameterNames": ["param1", "param2"] }`,
    expect: { op: "unsubscribeParameterUpdates", parameterNames: ["param1", "param2"] },
  },
  {
    section: "3.3.9",
    json: `{ "op": "subscribeConnectionGraph" }`,
    expect: { op: "subscribeConnectionGraph" },
  },
  {
    section: "3.3.10",
    json: `{ "op": "unsubscribeConnectionGraph" }`,
    expect: { op: "unsubscribeConnectionGraph" },
  },
  {
    section: "3.3.11",
    json: `{ "op": "fetchAsset", "requestId": 42, "uri": "package://foxglove/example.urdf" }`,
    expect: { op: "fetchAsset", requestId: 42, uri: "package://foxglove/example.urdf" },
  },
];

/** Client → server JSON vectors of protocol v1 (A.4). */
export const clientJsonV1Vectors: JsonVector<ClientJsonMessageV1>[] = [
  {
    section: "A.4",
    json: `{ "op": "subscribe", "subscriptions": [{ "id": 1, "channelId": 10 }, { "id": 2, "channelId": 20 }] }`,
    expect: {
      op: "subscribe",
      subscriptions: [
        { id: 1, channelId: 10 },
        { id: 2, channelId: 20 },
      ],
    },
  },
  {
    section: "A.4",
    json: `{ "op": "unsubscribe", "subscriptionIds": [1, 2, 3] }`,
    expect: { op: "unsubscribe", subscriptionIds: [1, 2, 3] },
  },
];

/** Parameter objects (3.5), one per line of the spec's vector block; all in reference form. */
export const parameterVectors: { section: string; json: string; expect: Parameter }[] = [
  { section: "3.5", json: `{"name":"test"}`, expect: { name: "test" } },
  { section: "3.5", json: `{"name":"i64","value":123}`, expect: { name: "i64", value: 123 } },
  {
    section: "3.5",
    json: `{"name":"i64[]","value":[123,456]}`,
    expect: { name: "i64[]", value: [123, 456] },
  },
  {
    section: "3.5",
    json: `{"name":"f64","type":"float64","value":1.23}`,
    expect: { name: "f64", type: "float64", value: 1.23 },
  },
  {
    section: "3.5",
    json: `{"name":"f64[]","type":"float64_array","value":[1.23,4.56]}`,
    expect: { name: "f64[]", type: "float64_array", value: [1.23, 4.56] },
  },
  {
    section: "3.5",
    json: `{"name":"string","value":"howdy"}`,
    expect: { name: "string", value: "howdy" },
  },
  {
    section: "3.5",
    json: `{"name":"byte[]","type":"byte_array","value":"ECAw"}`,
    expect: { name: "byte[]", type: "byte_array", value: new Uint8Array([0x10, 0x20, 0x30]) },
  },
  { section: "3.5", json: `{"name":"bool","value":true}`, expect: { name: "bool", value: true } },
  {
    section: "3.5",
    json: `{"name":"outer","value":{"bool":false,"float64":1.23,"nested":{"inner":1.0}}}`,
    expect: { name: "outer", value: { bool: false, float64: 1.23, nested: { inner: 1 } } },
  },
];

/** Server → client binary vectors, v2 (4.2). */
export const serverBinaryVectors: BinaryVector<ServerBinaryMessage>[] = [
  {
    section: "4.2.1",
    hex: "01 | 1e 00 00 00 00 00 00 00 | d2 04 00 00 00 00 00 00 | 7b 22 6b 65 79 22 3a 20 22 76 61 6c 75 65 22 7d",
    expect: { op: "messageData", channelId: 30, logTime: 1234n, data: KEY_VALUE },
  },
  {
    section: "4.2.2",
    hex: "02 d2 02 96 49 00 00 00 00",
    expect: { op: "time", timestamp: 1234567890n },
  },
  {
    section: "4.2.3",
    hex: "03 | 0a 00 00 00 | 0c 00 00 00 | 04 00 00 00 | 6a 73 6f 6e | 7b 22 6b 65 79 22 3a 20 22 76 61 6c 75 65 22 7d",
    expect: {
      op: "serviceCallResponse",
      serviceId: 10,
      callId: 12,
      encoding: "json",
      data: KEY_VALUE,
    },
  },
  {
    section: "4.2.4",
    hex: "04 | 0a 00 00 00 | 00 | 00 00 00 00 | 64 61 74 61",
    expect: { op: "fetchAssetResponse", requestId: 10, status: "success", data: utf8("data") },
  },
  {
    section: "4.2.4",
    hex: "04 | 0a 00 00 00 | 01 | 05 00 00 00 | 6f 68 20 6e 6f",
    expect: { op: "fetchAssetResponse", requestId: 10, status: "error", error: "oh no" },
  },
  {
    section: "4.2.5",
    hex: "05 | 00 | 39 30 00 00 00 00 00 00 | 00 00 80 3f | 00 | 00 00 00 00",
    expect: {
      op: "playbackState",
      status: "playing",
      currentTime: 12345n,
      playbackSpeed: 1,
      didSeek: false,
    },
  },
  {
    section: "4.2.5",
    hex: "05 | 00 | 39 30 00 00 00 00 00 00 | 00 00 80 3f | 01 | 00 00 00 00",
    expect: {
      op: "playbackState",
      status: "playing",
      currentTime: 12345n,
      playbackSpeed: 1,
      didSeek: true,
    },
  },
  {
    section: "4.2.5",
    hex: "05 | 00 | 39 30 00 00 00 00 00 00 | 00 00 80 3f | 00 | 0e 00 00 00 | 69 2d 61 6d 2d 61 2d 72 65 71 75 65 73 74",
    expect: {
      op: "playbackState",
      status: "playing",
      currentTime: 12345n,
      playbackSpeed: 1,
      didSeek: false,
      requestId: "i-am-a-request",
    },
  },
  {
    section: "4.2.6",
    hex: "06 | 00 7b 59 7d 8e 01 00 00 | 7b 7b 59 7d 8e 01 00 00",
    expect: { op: "pong", appTimestamp: 1711500000000n, deviceTimestamp: 1711500000123n },
  },
  {
    section: "4.2.6",
    hex: "06 31 32 33 34 35 36 37 38 39 30 31 32 33 34 35 36",
    expect: {
      op: "pong",
      appTimestamp: 0x3837363534333231n,
      deviceTimestamp: 0x3635343332313039n,
    },
  },
];

/** Server → client binary vectors, v1 (A.5, plus the shared layouts of 4.2). */
export const serverBinaryV1Vectors: BinaryVector<ServerBinaryMessageV1>[] = [
  {
    section: "A.5",
    hex: "01 | 1e 00 00 00 | d2 04 00 00 00 00 00 00 | 7b 22 6b 65 79 22 3a 20 22 76 61 6c 75 65 22 7d",
    expect: { op: "messageData", subscriptionId: 30, logTime: 1234n, data: KEY_VALUE },
  },
  ...(serverBinaryVectors.filter(
    (v) => v.expect.op !== "messageData" && v.expect.op !== "pong",
  ) as BinaryVector<ServerBinaryMessageV1>[]),
];

/** Client → server binary vectors, v2 (4.3). */
export const clientBinaryVectors: BinaryVector<ClientBinaryMessage>[] = [
  {
    section: "4.3.1",
    hex: "01 | 1e 00 00 00 | 7b 22 6b 65 79 22 3a 20 22 76 61 6c 75 65 22 7d",
    expect: { op: "messageData", channelId: 30, data: KEY_VALUE },
  },
  {
    section: "4.3.2",
    hex: "02 | 0a 00 00 00 | 0c 00 00 00 | 04 00 00 00 | 6a 73 6f 6e | 7b 22 6b 65 79 22 3a 20 22 76 61 6c 75 65 22 7d",
    expect: {
      op: "serviceCallRequest",
      serviceId: 10,
      callId: 12,
      encoding: "json",
      data: KEY_VALUE,
    },
  },
  {
    section: "4.3.3",
    hex: "03 | 00 | 00 00 80 3f | 00 | 00 00 00 00 00 00 00 00 | 07 00 00 00 | 73 6f 6d 65 2d 69 64",
    expect: {
      op: "playbackControlRequest",
      command: "play",
      playbackSpeed: 1,
      requestId: "some-id",
    },
  },
  {
    section: "4.3.3",
    hex: "03 | 01 | 00 00 80 3f | 00 | 00 00 00 00 00 00 00 00 | 07 00 00 00 | 73 6f 6d 65 2d 69 64",
    expect: {
      op: "playbackControlRequest",
      command: "pause",
      playbackSpeed: 1,
      requestId: "some-id",
    },
  },
  {
    section: "4.3.3",
    hex: "03 | 00 | 00 00 80 3f | 01 | 15 cd 5b 07 00 00 00 00 | 07 00 00 00 | 73 6f 6d 65 2d 69 64",
    expect: {
      op: "playbackControlRequest",
      command: "play",
      playbackSpeed: 1,
      seekTime: 123456789n,
      requestId: "some-id",
    },
  },
  {
    section: "4.3.4",
    hex: "04 00 7b 59 7d 8e 01 00 00",
    expect: { op: "ping", appTimestamp: 1711500000000n },
  },
  {
    section: "4.3.4",
    hex: "04 31 32 33 34 35 36 37 38 39 30",
    expect: { op: "ping", appTimestamp: 0x3837363534333231n, extra: utf8("90") },
  },
  {
    section: "4.3.5",
    hex: "05 00 7b 59 7d 8e 01 00 00",
    expect: { op: "pingAck", deviceTimestamp: 1711500000000n },
  },
];

/** Client → server binary vectors, v1 (same layouts; no Ping/PingAck). */
export const clientBinaryV1Vectors: BinaryVector<ClientBinaryMessageV1>[] =
  clientBinaryVectors.filter(
    (v): v is BinaryVector<ClientBinaryMessageV1> =>
      v.expect.op !== "ping" && v.expect.op !== "pingAck",
  );

/**
 * L19-only binary Subscribe/Unsubscribe (4.4). The codec targets 2.2.0, where these opcodes mean
 * Ping/PingAck: the tests check they decode as such (the spec's hazard) and that v1 rejects them.
 */
export const l19BinaryVectors: { section: string; hex: string; v2: ClientBinaryMessage }[] = [
  {
    section: "4.4",
    hex: "04 | 03 00 00 00 | 0a 00 00 00 00 00 00 00 | 14 00 00 00 00 00 00 00 | 1e 00 00 00 00 00 00 00",
    v2: {
      op: "ping",
      appTimestamp: 0x0000000a_00000003n,
      extra: hex("00 00 00 00 14 00 00 00 00 00 00 00 1e 00 00 00 00 00 00 00"),
    },
  },
  {
    section: "4.4",
    hex: "05 | 03 00 00 00 | 01 00 00 00 00 00 00 00 | 02 00 00 00 00 00 00 00 | 03 00 00 00 00 00 00 00",
    v2: { op: "pingAck", deviceTimestamp: 0x00000001_00000003n },
  },
];

/** Framed control-stream vectors (1.4, 3.2.2). */
export const frameVectors: (
  | { section: string; hex: string; direction: "server"; expect: ServerMessage }
  | { section: string; hex: string; direction: "client"; expect: ClientMessage }
)[] = [
  {
    section: "1.4",
    direction: "client",
    hex: `01 29 00 00 00 7b 22 6f 70 22 3a 22 75 6e 73 75 62 73 63 72 69 62 65 22 2c 22 63 68 61
          6e 6e 65 6c 49 64 73 22 3a 5b 31 2c 32 2c 33 5d 7d`,
    expect: { op: "unsubscribe", channelIds: [1, 2, 3] },
  },
  {
    section: "1.4",
    direction: "client",
    hex: "02 09 00 00 00 | 04 00 7b 59 7d 8e 01 00 00",
    expect: { op: "ping", appTimestamp: 1711500000000n },
  },
  {
    section: "1.4",
    direction: "server",
    hex: "02 21 00 00 00 | 01 1e 00 00 00 00 00 00 00 d2 04 00 00 00 00 00 00 7b 22 6b 65 79 22 3a 20 22 76 61 6c 75 65 22 7d",
    expect: { op: "messageData", channelId: 30, logTime: 1234n, data: KEY_VALUE },
  },
  {
    section: "3.2.2",
    direction: "server",
    hex: `01 27 00 00 00 7b 22 6f 70 22 3a 22 73 74 61 74 75 73 22 2c 22 6c 65 76 65 6c 22 3a 32 2c 22 6d 65
          73 73 61 67 65 22 3a 22 78 22 7d`,
    expect: { op: "status", level: 2, message: "x" },
  },
];

/** Data-track frame payload vectors (1.5). */
export const dataTrackVectors: { section: string; hex: string; expect: DataTrackFrame }[] = [
  {
    section: "1.5",
    hex: "00 00 | 08 00 | 05 00 00 00 | 08 96 01",
    expect: { flags: 0, dataOffset: 8, sequence: 5, data: hex("08 96 01") },
  },
];

/** Schema text examples (3.2.4, 3.4, 3.5): base64 text and the bytes it stands for. */
export const base64Vectors: { section: string; text: string; bytes: Uint8Array }[] = [
  { section: "3.2.4", text: "3q2+7w==", bytes: hex("de ad be ef") },
  { section: "3.5", text: "ECAw", bytes: hex("10 20 30") },
];
