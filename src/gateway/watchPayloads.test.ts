import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { DEFAULT_GATEWAY_TIMINGS } from "./timings.js";
import { parseHello, parseWake } from "./watchPayloads.js";

const hello = (o: object) => parseHello(JSON.stringify(o), DEFAULT_GATEWAY_TIMINGS);
const good = { watchLeaseId: "rwl_1", deviceWaitForViewerMs: 300_000, heartbeatIntervalMs: 5000 };

describe("parseHello", () => {
  test("reads the three fields and ignores unknown ones", () => {
    assert.deepEqual(hello({ ...good, extra: [1] }), good);
  });

  test("raises the heartbeat interval to 1 s and the viewer wait to 5 s", () => {
    assert.deepEqual(hello({ ...good, heartbeatIntervalMs: 10, deviceWaitForViewerMs: 0 }), {
      watchLeaseId: "rwl_1",
      heartbeatIntervalMs: 1000,
      deviceWaitForViewerMs: 5000,
    });
  });

  test("values at the minimums are kept", () => {
    const h = hello({ ...good, heartbeatIntervalMs: 1000, deviceWaitForViewerMs: 5000 });
    assert.equal(h?.heartbeatIntervalMs, 1000);
    assert.equal(h?.deviceWaitForViewerMs, 5000);
  });

  test("custom minimums apply", () => {
    const h = parseHello(JSON.stringify({ ...good, heartbeatIntervalMs: 1 }), {
      minHeartbeatIntervalMs: 20,
      minDeviceWaitForViewerMs: 50,
    });
    assert.equal(h?.heartbeatIntervalMs, 20);
  });

  for (const [name, data] of [
    ["not JSON", "{"],
    ["an array", "[]"],
    ["null", "null"],
    ["a missing lease", JSON.stringify({ ...good, watchLeaseId: undefined })],
    ["a numeric lease", JSON.stringify({ ...good, watchLeaseId: 1 })],
    ["a missing interval", JSON.stringify({ ...good, heartbeatIntervalMs: undefined })],
    ["a negative interval", JSON.stringify({ ...good, heartbeatIntervalMs: -1 })],
    ["a fractional wait", JSON.stringify({ ...good, deviceWaitForViewerMs: 1.5 })],
    ["a string wait", JSON.stringify({ ...good, deviceWaitForViewerMs: "5000" })],
  ] as const) {
    test(`rejects ${name}`, () => {
      assert.equal(parseHello(data, DEFAULT_GATEWAY_TIMINGS), undefined);
    });
  }
});

describe("parseWake", () => {
  test("reads url, token and session ID", () => {
    assert.deepEqual(
      parseWake(JSON.stringify({ remoteAccessSessionId: "ras_1", url: "u", token: "t" })),
      {
        remoteAccessSessionId: "ras_1",
        url: "u",
        token: "t",
      },
    );
  });

  test("the session ID is optional and may be null", () => {
    assert.equal(
      parseWake(JSON.stringify({ url: "u", token: "t" }))?.remoteAccessSessionId,
      undefined,
    );
    assert.equal(
      parseWake(JSON.stringify({ url: "u", token: "t", remoteAccessSessionId: null }))
        ?.remoteAccessSessionId,
      undefined,
    );
  });

  for (const [name, o] of [
    ["a missing url", { token: "t" }],
    ["a missing token", { url: "u" }],
    ["a numeric token", { url: "u", token: 1 }],
    ["a numeric session ID", { url: "u", token: "t", remoteAccessSessionId: 5 }],
  ] as const) {
    test(`rejects ${name}`, () => {
      assert.equal(parseWake(JSON.stringify(o)), undefined);
    });
  }

  test("rejects non-JSON", () => {
    assert.equal(parseWake("wake up"), undefined);
  });
});
