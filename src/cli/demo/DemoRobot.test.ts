import assert from "node:assert/strict";
import { test } from "node:test";
import { Context } from "../../core/Context.js";
import { setLogger } from "../../core/logger.js";
import type { Parameter, ServerMessage } from "../../protocol/index.js";
import { MemoryConnection } from "../../remote/testing/MemoryConnection.js";
import { ViewerHub } from "../../remote/ViewerHub.js";
import { DemoRobot, demoQos, TELEOP_TOPIC } from "./DemoRobot.js";

setLogger(undefined);

const bytes = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));
const text = (b: Uint8Array) => new TextDecoder().decode(b);

/** The robot behind an open hub, one viewer connected. */
function setup() {
  const context = new Context();
  const lines: string[] = [];
  const robot = new DemoRobot(context, { onLog: (l) => lines.push(l) });
  const hub = new ViewerHub({ context, qosClassifier: demoQos, ...robot.gatewayOptions() });
  const published: Parameter[][] = [];
  robot.publishParametersWith((p) => published.push(p));
  hub.open({ serverName: "demo" });
  robot.start();
  const v = new MemoryConnection("operator");
  hub.connect(v);
  const close = () => {
    robot.stop();
    hub.close();
  };
  return { hub, robot, v, lines, published, close };
}

const services = (v: MemoryConnection) =>
  new Map(
    v.messages
      .flatMap((m) => (m.op === "advertiseServices" ? m.services : []))
      .map((s) => [s.name, s.id]),
  );

test("teleop commands on /cmd_vel change how the robot moves and what it logs", async () => {
  const { hub, robot, v, lines, close } = setup();
  try {
    const diagnostics = v.ofOp("advertise")[0]?.channels.find((c) => c.topic === "/diagnostics");
    assert.ok(diagnostics);
    hub.handleMessage(v, { op: "subscribe", channels: [{ id: diagnostics.id }] });
    hub.handleMessage(v, {
      op: "advertise",
      channels: [{ id: 1, topic: TELEOP_TOPIC, encoding: "json", schemaName: "" }],
    });
    hub.handleMessage(v, {
      op: "messageData",
      channelId: 1,
      data: bytes({ linear: { x: 2 }, angular: { z: 5 } }),
    });
    assert.deepEqual(robot.velocity, { linear: 2, angular: 1 }, "turn rate capped by max_angular");
    assert.deepEqual(lines, [
      "teleop: operator connected",
      "teleop: linear.x=2 angular.z=1 from operator",
    ]);
    const logged = (m: ServerMessage) =>
      m.op === "messageData" && text(m.data).includes("last command: linear.x=2 angular.z=1");
    await v.waitFor(logged); // the next /diagnostics message shows the command
  } finally {
    close();
  }
});

test("services /stop and /reset_odometry act on the robot", () => {
  const { hub, robot, v, lines, close } = setup();
  try {
    const ids = services(v);
    const call = (name: string, callId: number) =>
      hub.handleMessage(v, {
        op: "serviceCallRequest",
        serviceId: ids.get(name) ?? -1,
        callId,
        encoding: "json",
        data: bytes({}),
      });
    call("/stop", 1);
    call("/reset_odometry", 2);
    assert.deepEqual(robot.velocity, { linear: 0, angular: 0 });
    assert.deepEqual(
      v.ofOp("serviceCallResponse").map((m) => [m.callId, text(m.data)]),
      [
        [1, '{"stopped":true}'],
        [2, '{"x":0,"y":0,"yaw":0}'],
      ],
    );
    assert.deepEqual(lines, [
      "service /stop called by operator: robot stopped",
      "service /reset_odometry called by operator: pose reset",
    ]);
  } finally {
    close();
  }
});

test("the parameter set: get all, set one (published to subscribers), refuse unknown or mistyped", () => {
  const { hub, robot, v, published, close } = setup();
  try {
    hub.handleMessage(v, { op: "getParameters", parameterNames: [], id: "all" });
    assert.deepEqual(
      v.ofOp("parameterValues")[0]?.parameters.map((p) => p.name),
      ["speed_scale", "max_angular", "label"],
    );
    hub.handleMessage(v, {
      op: "setParameters",
      parameters: [{ name: "speed_scale", value: 2 }],
      id: "s",
    });
    assert.deepEqual(robot.velocity, { linear: 2.5, angular: 0.5 });
    assert.deepEqual(published, [[{ name: "speed_scale", value: 2, type: "float64" }]]);
    hub.handleMessage(v, { op: "setParameters", parameters: [{ name: "nope", value: 1 }] });
    hub.handleMessage(v, { op: "setParameters", parameters: [{ name: "label", value: 3 }] });
    assert.deepEqual(
      v.ofOp("status").map((s) => s.message),
      ["Unknown parameter: nope", "Parameter label must be a string"],
    );
  } finally {
    close();
  }
});
