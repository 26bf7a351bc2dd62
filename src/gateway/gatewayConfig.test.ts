import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { isFoxgloveError } from "../core/FoxgloveError.js";
import { resolveGatewayConfig } from "./gatewayConfig.js";

const TOKEN = "fox_dt_configtoken";
const configError = (e: unknown) => isFoxgloveError(e, "ERR_CONFIGURATION");

describe("resolveGatewayConfig", () => {
  test("defaults: public API, 30 s timeout, protocol timings", () => {
    const c = resolveGatewayConfig({ deviceToken: TOKEN }, {});
    assert.equal(c.deviceToken, TOKEN);
    assert.equal(c.apiUrl, "https://api.foxglove.dev");
    assert.equal(c.apiTimeoutMs, 30_000);
    assert.equal(c.timings.leaseConflictBackoffMs, 30_000);
    assert.equal(c.name, undefined);
  });

  test("options win over the environment", () => {
    const env = {
      FOXGLOVE_DEVICE_TOKEN: "fox_dt_env",
      FOXGLOVE_API_URL: "http://env",
      FOXGLOVE_API_TIMEOUT: "7",
    };
    const c = resolveGatewayConfig(
      { deviceToken: TOKEN, foxgloveApiUrl: "http://opt", foxgloveApiTimeoutMs: 1500, name: "r2" },
      env,
    );
    assert.deepEqual(
      [c.deviceToken, c.apiUrl, c.apiTimeoutMs, c.name],
      [TOKEN, "http://opt", 1500, "r2"],
    );
  });

  test("the environment fills what options leave out", () => {
    const c = resolveGatewayConfig(
      {},
      {
        FOXGLOVE_DEVICE_TOKEN: "fox_dt_env",
        FOXGLOVE_API_URL: "http://127.0.0.1:9/p",
        FOXGLOVE_API_TIMEOUT: "7",
      },
    );
    assert.deepEqual(
      [c.deviceToken, c.apiUrl, c.apiTimeoutMs],
      ["fox_dt_env", "http://127.0.0.1:9/p", 7000],
    );
  });

  test("FOXGLOVE_API_TIMEOUT takes whole seconds only; anything else is ignored", () => {
    for (const bad of ["1.5", "abc", "-3", "", "0", "5s", "1e3"]) {
      const c = resolveGatewayConfig({ deviceToken: TOKEN }, { FOXGLOVE_API_TIMEOUT: bad });
      assert.equal(c.apiTimeoutMs, 30_000, bad);
    }
    assert.equal(
      resolveGatewayConfig({ deviceToken: TOKEN }, { FOXGLOVE_API_TIMEOUT: " 12 " }).apiTimeoutMs,
      12_000,
    );
  });

  test("a missing or empty token is ERR_CONFIGURATION", () => {
    assert.throws(() => resolveGatewayConfig({}, {}), configError);
    assert.throws(() => resolveGatewayConfig({ deviceToken: "" }, {}), configError);
    assert.throws(() => resolveGatewayConfig({}, { FOXGLOVE_DEVICE_TOKEN: "  " }), configError);
  });

  test("a bad API URL is ERR_CONFIGURATION that does not reveal the token", () => {
    for (const url of ["", "api.foxglove.dev", "ftp://x", "ws://x"]) {
      assert.throws(
        () => resolveGatewayConfig({ deviceToken: TOKEN, foxgloveApiUrl: url }, {}),
        (e) => configError(e) && !String(e).includes(TOKEN),
      );
    }
  });

  test("a non-positive timeout or timing is ERR_CONFIGURATION", () => {
    assert.throws(
      () => resolveGatewayConfig({ deviceToken: TOKEN, foxgloveApiTimeoutMs: 0 }, {}),
      configError,
    );
    assert.throws(
      () => resolveGatewayConfig({ deviceToken: TOKEN, foxgloveApiTimeoutMs: NaN }, {}),
      configError,
    );
    assert.throws(
      () => resolveGatewayConfig({ deviceToken: TOKEN, timings: { maxBackoffMs: -1 } }, {}),
      configError,
    );
  });

  test("timing overrides merge over the protocol values", () => {
    const c = resolveGatewayConfig(
      { deviceToken: TOKEN, timings: { initialBackoffMs: 10, maxBackoffMs: undefined } },
      {},
    );
    assert.equal(c.timings.initialBackoffMs, 10);
    assert.equal(c.timings.maxBackoffMs, 30_000);
  });
});
