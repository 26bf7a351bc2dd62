import assert from "node:assert/strict";
import { test } from "node:test";
import { isFoxgloveError } from "../core/FoxgloveError.js";
import { parseApiServerConfig, parseDeviceFlag } from "./parseApiServerConfig.js";

test("a full config becomes options", () => {
  const options = parseApiServerConfig({
    host: "0.0.0.0",
    port: 8780,
    devices: [
      {
        id: "dev_a",
        name: "a",
        token: "fox_dt_a",
        projectId: "prj_x",
        retainRecordingsSeconds: 60,
      },
      { id: "dev_b", name: "b", token: "fox_dt_b", retainRecordingsSeconds: null },
    ],
    livekit: { url: "wss://lk.example", apiKey: "k", apiSecret: "s" },
    heartbeatIntervalMs: 2000,
    viewerKey: "vk",
    wakeOnWatch: true,
  });
  assert.deepEqual(options, {
    host: "0.0.0.0",
    port: 8780,
    heartbeatIntervalMs: 2000,
    viewerKey: "vk",
    wakeOnWatch: true,
    livekit: { url: "wss://lk.example", apiKey: "k", apiSecret: "s" },
    devices: [
      {
        id: "dev_a",
        name: "a",
        token: "fox_dt_a",
        projectId: "prj_x",
        retainRecordingsSeconds: 60,
      },
      { id: "dev_b", name: "b", token: "fox_dt_b" },
    ],
  });
  assert.deepEqual(parseApiServerConfig({}), {});
});

test("unknown keys, wrong types and missing device fields are ERR_CONFIGURATION", () => {
  for (const bad of [
    null,
    [],
    { prot: 1 },
    { port: "80" },
    { wakeOnWatch: "yes" },
    { livekit: { url: 5 } },
    { livekit: { secret: "s" } },
    { devices: {} },
    { devices: [{ id: "a", name: "b" }] },
    { devices: [{ id: "a", name: "b", token: "fox_dt_secret", extra: 1 }] },
  ]) {
    assert.throws(
      () => parseApiServerConfig(bad),
      (e: unknown) =>
        isFoxgloveError(e, "ERR_CONFIGURATION") && !e.message.includes("fox_dt_secret"),
      JSON.stringify(bad),
    );
  }
});

test("--device id:name:token", () => {
  assert.deepEqual(parseDeviceFlag("dev_a:robot a:fox_dt_x:y"), {
    id: "dev_a",
    name: "robot a",
    token: "fox_dt_x:y",
  });
  for (const bad of ["", "a", "a:b", "a:b:", ":b:c", "a::c"]) {
    assert.throws(
      () => parseDeviceFlag(bad),
      (e: unknown) => isFoxgloveError(e, "ERR_CONFIGURATION"),
      bad,
    );
  }
});
