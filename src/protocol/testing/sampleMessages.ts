// Sample messages of every type, shared by the codec, frame and fuzz tests. Test-only.
import type { ClientBinaryMessage, ClientBinaryMessageV1 } from "../ClientBinaryMessage.js";
import type { ClientJsonMessage, ClientJsonMessageV1 } from "../ClientJsonMessage.js";
import type { ServerBinaryMessage, ServerBinaryMessageV1 } from "../ServerBinaryMessage.js";
import type { ServerJsonMessage } from "../ServerJsonMessage.js";

const bytes = (...b: number[]): Uint8Array => new Uint8Array(b);

/** One message of every server JSON type, with all optional fields set. */
export const everyServerJson: ServerJsonMessage[] = [
  {
    op: "serverInfo",
    name: "n",
    capabilities: ["clientPublish", "somethingNew"],
    supportedEncodings: ["json", "protobuf"],
    metadata: { "fg-library": "foxglove-sdk-typescript/0.1.0" },
    sessionId: "s",
    dataStartTime: { sec: 1, nsec: 2 },
    dataEndTime: { sec: 4294967295, nsec: 999999999 },
  },
  { op: "status", level: 0, message: "hi" },
  { op: "status", level: 2, message: 'bad "quote" \n ünïcødé 😀', id: "x" },
  { op: "removeStatus", statusIds: [] },
  {
    op: "advertise",
    channels: [
      {
        id: Number.MAX_SAFE_INTEGER,
        topic: "/a",
        encoding: "protobuf",
        schemaName: "foo.Bar",
        schemaEncoding: "protobuf",
        schema: "AAEC",
        metadata: { b: "2", a: "1" },
      },
    ],
  },
  { op: "unadvertise", channelIds: [0, 7] },
  {
    op: "parameterValues",
    parameters: [
      { name: "big", value: 9007199254740993n },
      { name: "d", value: { k: [1, "x"] } },
    ],
  },
  {
    op: "advertiseServices",
    services: [{ id: 4294967295, name: "/s", type: "t", requestSchema: "", responseSchema: "r" }],
  },
  { op: "unadvertiseServices", serviceIds: [1] },
  {
    op: "connectionGraphUpdate",
    publishedTopics: [],
    subscribedTopics: [{ name: "/t", subscriberIds: [] }],
    advertisedServices: [],
    removedTopics: ["/x"],
    removedServices: [],
  },
  { op: "serviceCallFailure", serviceId: 0, callId: 4294967295, message: "Unknown service" },
];

/** One message of every v2 client JSON type. */
export const everyClientJson: ClientJsonMessage[] = [
  {
    op: "subscribe",
    channels: [
      { id: 1, requestVideoTrack: true },
      { id: 2, requestVideoTrack: false },
    ],
  },
  { op: "unsubscribe", channelIds: [1] },
  {
    op: "advertise",
    channels: [
      { id: 3, topic: "/c", encoding: "json", schemaName: "" },
      {
        id: 4,
        topic: "/d",
        encoding: "protobuf",
        schemaName: "x.Y",
        schemaEncoding: "protobuf",
        schema: "AA==",
      },
    ],
  },
  { op: "unadvertise", channelIds: [3, 4] },
  { op: "getParameters", parameterNames: [], id: "r1" },
  {
    op: "setParameters",
    parameters: [
      { name: "a", value: 1 },
      { name: "b", type: "float64", value: 2 },
      { name: "c", type: "byte_array", value: new Uint8Array([1, 2, 3]) },
      { name: "gone" },
    ],
  },
  { op: "subscribeParameterUpdates", parameterNames: ["a"] },
  { op: "unsubscribeParameterUpdates", parameterNames: [] },
  { op: "subscribeConnectionGraph" },
  { op: "unsubscribeConnectionGraph" },
  { op: "fetchAsset", requestId: 4294967295, uri: "package://x/y.urdf" },
];

/** The v1-only client JSON shapes. */
export const everyClientJsonV1: ClientJsonMessageV1[] = [
  { op: "subscribe", subscriptions: [{ id: 0, channelId: 9007199254740991 }] },
  { op: "unsubscribe", subscriptionIds: [0, 4294967295] },
];

/** One message of every v2 server binary type (edge values). */
export const everyServerBinary: ServerBinaryMessage[] = [
  { op: "messageData", channelId: 2 ** 53 - 1, logTime: 2n ** 64n - 1n, data: bytes() },
  { op: "messageData", channelId: 1, logTime: 0n, data: bytes(1, 2, 3) },
  { op: "time", timestamp: 0n },
  { op: "serviceCallResponse", serviceId: 2 ** 32 - 1, callId: 0, encoding: "", data: bytes(0) },
  { op: "serviceCallResponse", serviceId: 1, callId: 2, encoding: "ünï", data: bytes() },
  { op: "fetchAssetResponse", requestId: 3, status: "success", data: bytes() },
  { op: "fetchAssetResponse", requestId: 3, status: "error", error: "" },
  {
    op: "playbackState",
    status: "ended",
    currentTime: 5n,
    playbackSpeed: 0.5,
    didSeek: true,
    requestId: "r",
  },
  { op: "playbackState", status: "buffering", currentTime: 0n, playbackSpeed: -2, didSeek: false },
  { op: "pong", appTimestamp: 1n, deviceTimestamp: 2n },
  { op: "pong", appTimestamp: 1n, deviceTimestamp: 2n, extra: bytes(9) },
];

/** v1 server binary messages (MessageData with a subscription id, the shared layouts). */
export const everyServerBinaryV1: ServerBinaryMessageV1[] = [
  { op: "messageData", subscriptionId: 2 ** 32 - 1, logTime: 7n, data: bytes(4) },
  ...(everyServerBinary.filter(
    (m) => m.op !== "messageData" && m.op !== "pong",
  ) as ServerBinaryMessageV1[]),
];

/** One message of every v2 client binary type. */
export const everyClientBinary: ClientBinaryMessage[] = [
  { op: "messageData", channelId: 2 ** 32 - 1, data: bytes() },
  { op: "messageData", channelId: 0, data: bytes(1) },
  { op: "serviceCallRequest", serviceId: 1, callId: 2, encoding: "json", data: bytes(123, 125) },
  { op: "playbackControlRequest", command: "pause", playbackSpeed: 2, requestId: "" },
  {
    op: "playbackControlRequest",
    command: "play",
    playbackSpeed: 1,
    seekTime: 2n ** 64n - 1n,
    requestId: "id",
  },
  { op: "ping", appTimestamp: 0n },
  { op: "ping", appTimestamp: 1n, extra: bytes(1, 2) },
  { op: "pingAck", deviceTimestamp: 2n ** 63n },
];

/** v1 client binary messages (no Ping/PingAck). */
export const everyClientBinaryV1: ClientBinaryMessageV1[] = everyClientBinary.filter(
  (m): m is ClientBinaryMessageV1 => m.op !== "ping" && m.op !== "pingAck",
);
