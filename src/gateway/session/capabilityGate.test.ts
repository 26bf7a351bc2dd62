import assert from "node:assert/strict";
import { test } from "node:test";
import type { Capability } from "../../protocol/index.js";
import { capabilityGate } from "./capabilityGate.js";
import { serverCapabilities } from "./serverCapabilities.js";

test("capability gate: every gated message is refused with the spec's reply", () => {
  const none = new Set<Capability>();
  const cases = [
    ["advertise", "status", "Server does not support clientPublish capability"],
    ["messageData", "status", "Server does not support clientPublish capability"],
    ["serviceCallRequest", "serviceCallFailure", "Server does not support services"],
    ["fetchAsset", "status", "Server does not support assets capability"],
    ["getParameters", "status", "Server does not support parameters capability"],
    ["setParameters", "status", "Server does not support parameters capability"],
    [
      "subscribeParameterUpdates",
      "status",
      "Server does not support parametersSubscribe capability",
    ],
    [
      "unsubscribeParameterUpdates",
      "status",
      "Server does not support parametersSubscribe capability",
    ],
    ["subscribeConnectionGraph", "status", "Server does not support connection graph capability"],
    ["unsubscribeConnectionGraph", "status", "Server does not support connection graph capability"],
  ] as const;
  for (const [op, reply, message] of cases) {
    assert.deepEqual(capabilityGate(op, none), { allowed: false, reply, message }, op);
  }
  for (const op of ["subscribe", "unsubscribe", "unadvertise", "ping", "pingAck"] as const) {
    assert.deepEqual(capabilityGate(op, none), { allowed: true }, op);
  }
  assert.equal(capabilityGate("playbackControlRequest", new Set(["clientPublish"])).allowed, false);
});

test("capability gate: announced capabilities allow their messages", () => {
  const all = new Set<Capability>(
    serverCapabilities(["clientPublish", "parameters", "services", "connectionGraph", "assets"], {
      hasAssetHandler: true,
    }),
  );
  for (const op of [
    "advertise",
    "messageData",
    "serviceCallRequest",
    "fetchAsset",
    "getParameters",
    "subscribeParameterUpdates",
    "subscribeConnectionGraph",
  ] as const) {
    assert.deepEqual(capabilityGate(op, all), { allowed: true }, op);
  }
});
