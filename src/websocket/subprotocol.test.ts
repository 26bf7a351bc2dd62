import assert from "node:assert/strict";
import { test } from "node:test";
import { selectSubprotocol } from "./subprotocol.js";

test("the newest offered subprotocol wins, whatever the client's order", () => {
  assert.equal(selectSubprotocol("foxglove.websocket.v1, foxglove.sdk.v1"), "foxglove.sdk.v1");
  assert.equal(selectSubprotocol(["foxglove.websocket.v1", "foxglove.sdk.v1"]), "foxglove.sdk.v1");
  assert.equal(selectSubprotocol("foxglove.websocket.v1"), "foxglove.websocket.v1");
  assert.equal(selectSubprotocol("foxglove.sdk.v1.1, foxglove.sdk.v1"), "foxglove.sdk.v1.1");
  assert.equal(selectSubprotocol(["foxglove.sdk.v1", "foxglove.sdk.v1.1"]), "foxglove.sdk.v1.1");
});

test("tokens match exactly; nothing offered is no match", () => {
  assert.equal(
    selectSubprotocol("foxglove.sdk.v1.10, foxglove.sdk.v11, foxglove.sdk.v2,foxglove.sdk"),
    undefined,
  );
  assert.equal(selectSubprotocol(" foxglove.sdk.v1 "), "foxglove.sdk.v1");
  assert.equal(selectSubprotocol(undefined), undefined);
  assert.equal(selectSubprotocol([]), undefined);
});
