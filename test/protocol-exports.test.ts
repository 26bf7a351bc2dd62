// The public surface of `foxglove-remote/protocol`: a deliberate, curated list of runtime exports,
// and a device/viewer exchange through nothing but that entry point.
import assert from "node:assert/strict";
import { test } from "node:test";
import * as protocol from "../src/protocol/index.js";

const EXPECTED = [
  "AdvertiseBroadcast",
  "CAPABILITIES",
  "DEFAULT_PROTOCOL_VERSION",
  "SCHEMA_TABLE_MIN_PROTOCOL_VERSION",
  "SchemaTable",
  "SchemaTableReader",
  "checkProtocolVersion",
  "supportsSchemaTable",
  "CONTROL_TOPIC",
  "ChannelMetadataKey",
  "ClientBinaryOpcode",
  "DATA_TRACK_HEADER_SIZE",
  "FRAME_HEADER_SIZE",
  "FrameDecoder",
  "FrameOpcode",
  "GATEWAY_CAPABILITIES",
  "MAX_FRAME_PAYLOAD",
  "MESSAGE_DATA_HEADER_SIZE",
  "MIN_PROTOCOL_VERSION",
  "PROTOCOL_VERSION",
  "PROTOCOL_VERSION_ATTRIBUTE",
  "ServerBinaryOpcode",
  "StatusLevel",
  "channelDropsStatusId",
  "compareSemVer",
  "dataTrackName",
  "dataTrackSequenceGap",
  "decodeBase64",
  "decodeClientBinary",
  "decodeClientBinaryV1",
  "decodeClientFrame",
  "decodeClientJson",
  "decodeClientJsonV1",
  "decodeClientMessageV1",
  "decodeDataTrackFrame",
  "decodeSchemaText",
  "decodeServerBinary",
  "decodeServerBinaryV1",
  "decodeServerFrame",
  "decodeServerJson",
  "decodeServerMessageV1",
  "encodeBase64",
  "encodeBinaryFrame",
  "encodeClientBinary",
  "encodeClientFrame",
  "encodeClientJson",
  "encodeClientMessageData",
  "encodeClientMessageV1",
  "encodeDataTrackFrame",
  "encodeFrame",
  "encodeJsonFrame",
  "encodeMessageData",
  "encodeMessageDataFrame",
  "encodeParameter",
  "encodeSchemaText",
  "encodeServerBinary",
  "encodeServerFrame",
  "encodeServerJson",
  "encodeServerMessageV1",
  "fromWireTime",
  "incompatibleVersionMessage",
  "isBinarySchemaEncoding",
  "isCapability",
  "isClientBinaryMessage",
  "isCompatibleProtocolVersion",
  "isServerBinaryMessage",
  "isStatusLevel",
  "messageEncodingRequiresSchema",
  "nextDataTrackSequence",
  "parseDataTrackName",
  "parseSemVer",
  "parseVideoTrackName",
  "pointCloudCompressionStatusId",
  "statusLevelName",
  "toWireTime",
  "videoTrackName",
];

test("exports exactly the curated runtime surface", () => {
  assert.deepStrictEqual(Object.keys(protocol).sort(), [...EXPECTED].sort());
});

test("a device and a viewer talk through the public entry point only", () => {
  const { FrameDecoder, decodeClientFrame, decodeServerFrame, encodeClientFrame } = protocol;
  // Device side: the step-3 sequence of spec 1.9 plus one Reliable message, as one byte stream.
  const deviceFrames = [
    protocol.encodeServerFrame({
      op: "serverInfo",
      name: "robot",
      capabilities: ["clientPublish", "parameters", "parametersSubscribe"],
      supportedEncodings: ["json"],
      metadata: { "fg-library": "foxglove-sdk-typescript/0.1.0" },
      sessionId: "",
    }),
    protocol.encodeServerFrame({
      op: "advertise",
      channels: [
        {
          id: 1,
          topic: "/pose",
          encoding: "protobuf",
          schemaName: "foxglove.PoseInFrame",
          schemaEncoding: "protobuf",
          schema: protocol.encodeSchemaText("protobuf", new Uint8Array([1, 2, 3])),
          metadata: { [protocol.ChannelMetadataKey.Reliable]: "true" },
        },
      ],
    }),
    protocol.encodeMessageDataFrame(1, 123n, new Uint8Array([8, 1])),
  ];
  const stream = new Uint8Array(deviceFrames.reduce((n, f) => n + f.length, 0));
  deviceFrames.reduce((o, f) => (stream.set(f, o), o + f.length), 0);

  // Viewer side: arbitrary chunking, then decode.
  const decoder = new FrameDecoder();
  const received = [3, 50, 1000].flatMap((size, i, sizes) => {
    const start = sizes.slice(0, i).reduce((a, b) => a + b, 0);
    return decoder.push(stream.subarray(start, start + size));
  });
  decoder.finish();
  const messages = received.map(decodeServerFrame);
  assert.deepStrictEqual(
    messages.map((m) => m.op),
    ["serverInfo", "advertise", "messageData"],
  );
  const advertise = messages[1]!;
  assert.ok(advertise.op === "advertise" && !("schemas" in advertise));
  const channel = advertise.channels[0]!;
  assert.deepStrictEqual(
    protocol.decodeSchemaText(channel.schemaEncoding!, channel.schema),
    new Uint8Array([1, 2, 3]),
  );

  // Viewer replies; device decodes.
  const reply = encodeClientFrame({
    op: "setParameters",
    parameters: [{ name: "gain", type: "float64", value: 2 }],
    id: "r1",
  });
  const [frame] = new FrameDecoder().push(reply);
  assert.deepStrictEqual(decodeClientFrame(frame!), {
    op: "setParameters",
    parameters: [{ name: "gain", type: "float64", value: 2 }],
    id: "r1",
  });
  assert.match(new TextDecoder().decode(reply.subarray(5)), /"value":2\.0/);
});
