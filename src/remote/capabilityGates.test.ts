import assert from "node:assert/strict";
import { test } from "node:test";
import type { Capability } from "../protocol/index.js";
import { refusal } from "./capabilityGates.js";
import { serverCapabilities } from "./serverInfo.js";

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
    assert.deepEqual(
      refusal(op, none),
      { capability: refusal(op, none)?.capability, reply, message },
      op,
    );
  }
  for (const op of ["subscribe", "unsubscribe", "unadvertise", "ping", "pingAck"] as const) {
    assert.equal(refusal(op, none), undefined, op);
  }
  assert.equal(refusal("playbackControlRequest", new Set(["playbackControl"]))?.reply, "none");
  const v1 = {
    playbackControlRequest: { capability: "playbackControl", reply: "none", message: "x" },
  } as const;
  assert.equal(refusal("playbackControlRequest", new Set(["playbackControl"]), v1), undefined);
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
    assert.equal(refusal(op, all), undefined, op);
  }
});
