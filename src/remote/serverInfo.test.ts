import assert from "node:assert/strict";
import { test } from "node:test";
import { isFoxgloveError } from "../core/FoxgloveError.js";
import { serverCapabilities } from "./serverInfo.js";

test("capabilities: parameters expands, automatic ones are appended, no duplicates", () => {
  assert.deepEqual(serverCapabilities(["connectionGraph", "parameters"]), [
    "connectionGraph",
    "parameters",
    "parametersSubscribe",
  ]);
  assert.deepEqual(
    serverCapabilities(["services", "clientPublish"], {
      hasServices: true,
      hasAssetHandler: true,
      hasParameterHandler: true,
    }),
    ["services", "clientPublish", "assets", "parameters", "parametersSubscribe"],
  );
  assert.deepEqual(serverCapabilities([]), []);
});

test("capabilities: assets without a handler is a configuration error", () => {
  assert.throws(
    () => serverCapabilities(["assets"]),
    (e) => isFoxgloveError(e, "ERR_CONFIGURATION"),
  );
});
