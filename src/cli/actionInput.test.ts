import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { FoxgloveError } from "../core/FoxgloveError.js";
import { encodeParameter } from "../protocol/index.js";
import {
  applyConnectionGraphUpdate,
  CapabilityError,
  EMPTY_CONNECTION_GRAPH,
  ServiceCallError,
} from "../viewer/index.js";
import { formatParameterLine, parameterArgument, payloadArgument } from "./actionInput.js";
import { formatGraph } from "./commands/graph.js";
import { actionExitCode } from "./runActionCommand.js";

describe("parameterArgument", () => {
  test("JSON values keep their type; float literals get the float hint; other text is a string", () => {
    const wire = (text: string) => encodeParameter(parameterArgument("p", text));
    assert.equal(wire("3"), '{"name":"p","value":3}');
    assert.equal(wire("1.0"), '{"name":"p","type":"float64","value":1.0}');
    assert.equal(wire("2.5e3"), '{"name":"p","type":"float64","value":2500.0}');
    assert.equal(wire("[1, 2.0]"), '{"name":"p","type":"float64_array","value":[1.0,2.0]}');
    assert.equal(wire("[1, 2]"), '{"name":"p","value":[1,2]}');
    assert.equal(wire("true"), '{"name":"p","value":true}');
    assert.equal(wire('{"b":1,"a":"x"}'), '{"name":"p","value":{"a":"x","b":1}}');
    assert.equal(wire("auto"), '{"name":"p","value":"auto"}');
    assert.equal(wire('"1"'), '{"name":"p","value":"1"}');
    assert.throws(() => parameterArgument("p", "null"), /no null/);
    assert.throws(() => parameterArgument("p", "[1, null]"), /no null/);
  });

  test("parameter lines: floats keep a fraction, 64-bit integers in full, bytes as base64", () => {
    assert.equal(formatParameterLine({ name: "f", type: "float64", value: 2 }), "f = 2.0");
    assert.equal(
      formatParameterLine({ name: "fa", type: "float64_array", value: [1, 1.5] }),
      "fa = [1.0,1.5]",
    );
    assert.equal(formatParameterLine({ name: "i", value: 2n ** 62n }), `i = ${2n ** 62n}`);
    assert.equal(
      formatParameterLine({ name: "b", type: "byte_array", value: new Uint8Array([16, 32, 48]) }),
      "b = base64:ECAw",
    );
    assert.equal(
      formatParameterLine({ name: "d", value: { z: [true], a: "s" } }),
      'd = {"a":"s","z":[true]}',
    );
    assert.equal(formatParameterLine({ name: "u" }), "u = (unset)");
  });
});

test("payloadArgument checks JSON only for the json encoding", () => {
  assert.equal(payloadArgument('{"a":1}', "json"), '{"a":1}');
  assert.throws(
    () => payloadArgument("{a:1}", "json"),
    (e) => e instanceof FoxgloveError && e.code === "ERR_VALUE",
  );
  assert.equal(payloadArgument("{a:1}", "text"), "{a:1}");
});

test("exit codes: 3 unsupported, 2 request failed or unanswered, 1 everything else", () => {
  assert.equal(actionExitCode(new CapabilityError("services", "service calls")), 3);
  assert.equal(actionExitCode(new FoxgloveError("ERR_UNSUPPORTED_ENCODING", "x")), 3);
  assert.equal(actionExitCode(ServiceCallError.fromFailure("/s", "boom")), 2);
  assert.equal(actionExitCode(new ServiceCallError("timeout", "/s", "x")), 2);
  assert.equal(actionExitCode(new FoxgloveError("ERR_ASSET", "not found")), 2);
  assert.equal(actionExitCode(new ServiceCallError("disconnected", "/s", "x")), 1);
  assert.equal(actionExitCode(new FoxgloveError("ERR_API", "x")), 1);
  assert.equal(actionExitCode(new Error("x")), 1);
});

test("formatGraph prints topics and services as tables, or one JSON line", () => {
  const graph = applyConnectionGraphUpdate(EMPTY_CONNECTION_GRAPH, {
    op: "connectionGraphUpdate",
    publishedTopics: [{ name: "/imu", publisherIds: ["driver"] }],
    subscribedTopics: [{ name: "/cmd", subscriberIds: ["base", "arm"] }],
    advertisedServices: [{ name: "/reset", providerIds: ["base"] }],
    removedTopics: [],
    removedServices: [],
  });
  assert.equal(
    formatGraph(graph, false),
    [
      "TOPIC  PUBLISHERS  SUBSCRIBERS",
      "/cmd   -           arm,base",
      "/imu   driver      -",
      "",
      "SERVICE  PROVIDERS",
      "/reset   base",
    ].join("\n"),
  );
  assert.equal(formatGraph(EMPTY_CONNECTION_GRAPH, false), "no topics\n\nno services");
  assert.deepEqual(JSON.parse(formatGraph(graph, true)), {
    publishedTopics: { "/imu": ["driver"] },
    subscribedTopics: { "/cmd": ["arm", "base"] },
    advertisedServices: { "/reset": ["base"] },
  });
});
