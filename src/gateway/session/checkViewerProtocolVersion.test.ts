import assert from "node:assert/strict";
import { test } from "node:test";
import { supportsSchemaTable } from "../../protocol/index.js";
import { checkViewerProtocolVersion } from "./checkViewerProtocolVersion.js";

test("an absent attribute counts as 2.2.0 and is accepted", () => {
  const check = checkViewerProtocolVersion(undefined);
  assert.ok(check.compatible);
  assert.equal(check.version, "2.2.0");
  assert.equal(supportsSchemaTable(check.parsed), false);
});

test("2.x versions at or above 2.2.0 are accepted; the parsed version picks the advertise form", () => {
  for (const [v, table] of [
    ["2.2.0", false],
    ["2.2.1", false],
    ["2.3.0-rc.1", false],
    ["2.3.0", true],
    ["2.3.4", true],
    ["2.4.0", true],
    ["2.17.4", true],
    ["2.2.1-rc.1", false],
    ["2.2.0+build.5", false],
  ] as const) {
    const check = checkViewerProtocolVersion(v);
    assert.ok(check.compatible, v);
    assert.equal(supportsSchemaTable(check.parsed), table, v);
  }
});

test("old, pre-release, other-major and malformed versions are rejected", () => {
  for (const v of [
    "2.1.9",
    "2.0.1",
    "1.9.9",
    "2.2.0-rc.1",
    "3.0.0",
    "10.0.0",
    "0.2.2",
    "",
    "2.2",
    "2",
    "v2.2.0",
    " 2.2.0",
    "2.2.0 ",
    "02.2.0",
    "2.2.0-",
    "2.2.0-01",
    "2.2.0+",
    "latest",
  ]) {
    assert.equal(checkViewerProtocolVersion(v).compatible, false, JSON.stringify(v));
  }
});

test("a rejected viewer gets exactly one error status naming both versions", () => {
  const check = checkViewerProtocolVersion("3.0.0");
  assert.equal(check.compatible, false);
  assert.ok(!check.compatible);
  assert.deepEqual(check.status, {
    op: "status",
    level: 2,
    message:
      "Remote access protocol version 3.0.0 is not compatible with this device (supported: 2.3.0)",
  });
});

test("the raw attribute value is quoted in the rejection", () => {
  const check = checkViewerProtocolVersion("2.2");
  assert.ok(!check.compatible);
  assert.match(check.status.message, /^Remote access protocol version 2\.2 is not/);
});
