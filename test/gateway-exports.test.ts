// The public surface of `foxglove-remote/gateway`: a deliberate, curated list of runtime exports,
// and a device configured with services, parameters and an asset handler through that entry only.
import assert from "node:assert/strict";
import { test } from "node:test";
import * as gateway from "../src/gateway/index.js";
import type {
  AssetHandler,
  ConnectionGraph,
  GatewayOptions,
  ParameterHandler,
  ServiceDefinition,
  ViewerConnection,
} from "../src/gateway/index.js";

const EXPECTED = [
  "ApiError",
  "DEFAULT_GATEWAY_TIMINGS",
  "DEFAULT_MAX_REQUESTS_IN_FLIGHT",
  "DEFAULT_POINT_CLOUD_ENCODERS",
  "DEFAULT_REQUEST_TIMEOUT_MS",
  "LIBRARY_ID",
  "REMOTE_ACCESS_PROTOCOL_VERSION",
  "RemoteAccessGateway",
  "Session",
  "ViewerHub",
  "joinLiveKitRoom",
  "liveKitRoomJoiner",
  "sessionJoiner",
  "shutdownLiveKit",
  "startGateway",
];

test("exports exactly the curated runtime surface", () => {
  assert.deepStrictEqual(Object.keys(gateway).sort(), [...EXPECTED].sort());
});

test("every type the options name is importable from the entry point; the hub serves a connection", () => {
  const service: ServiceDefinition = {
    name: "/echo",
    request: {
      encoding: "json",
      schema: { name: "E", encoding: "jsonschema", data: new TextEncoder().encode("{}") },
    },
    handler: (r) => r.payload,
  };
  const parameterHandler: ParameterHandler = {
    getParameters: () => [{ name: "p", value: 1 }],
    setParameters: (p) => p,
  };
  const assetHandler: AssetHandler = () => new Uint8Array([1]);
  const graph: ConnectionGraph = { publishedTopics: { "/t": ["a"] } };
  const options: GatewayOptions = {
    services: [service],
    parameterHandler,
    assetHandler,
    capabilities: ["connectionGraph"],
  };
  const hub = new gateway.ViewerHub(options);
  hub.publishConnectionGraph(graph);
  hub.open({ serverName: "exports" });
  const sent: string[] = [];
  const connection: ViewerConnection = {
    clientId: 1_000_000,
    name: "v",
    signal: new AbortController().signal,
    send: (m) => sent.push(m.op),
  };
  hub.connect(connection);
  hub.close();
  assert.deepEqual(sent, ["serverInfo", "advertiseServices"]);
});
