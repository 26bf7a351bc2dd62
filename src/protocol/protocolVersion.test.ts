import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  checkProtocolVersion,
  compareSemVer,
  incompatibleVersionMessage,
  isCompatibleProtocolVersion,
  parseSemVer,
  PROTOCOL_VERSION,
  supportsSchemaTable,
} from "./protocolVersion.js";

describe("protocol version (spec 2.1)", () => {
  test("is 2.3.0; absent attributes count as 2.2.0", () => {
    assert.equal(PROTOCOL_VERSION, "2.3.0");
    assert.deepStrictEqual(checkProtocolVersion(undefined), parseSemVer("2.2.0"));
    assert.deepStrictEqual(checkProtocolVersion("2.4.1"), parseSemVer("2.4.1"));
    assert.equal(checkProtocolVersion("3.0.0"), undefined);
  });

  test("schema tables need 2.3.0 or later (deduplicated_schemas_require_2_3)", () => {
    for (const [v, expected] of [
      ["2.3.0", true],
      ["2.4.0", true],
      ["2.17.4", true],
      ["2.3.0-rc.1", false],
      ["2.2.9", false],
      ["2.2.0", false],
    ] as const) {
      assert.equal(supportsSchemaTable(parseSemVer(v)!), expected, v);
    }
  });

  test("accepts absent, 2.2.0 and later 2.x versions", () => {
    for (const v of [
      undefined,
      "2.2.0",
      "2.2.1",
      "2.3.0",
      "2.17.4",
      "2.2.1-rc.1",
      "2.2.0+build.5",
    ]) {
      assert.equal(isCompatibleProtocolVersion(v), true, String(v));
    }
  });

  test("rejects unparsable, older, pre-release and other-major versions", () => {
    for (const v of [
      "",
      "2.2",
      "2",
      "v2.2.0",
      " 2.2.0",
      "02.2.0",
      "2.2.0-",
      "2.2.0-01",
      "2.2.0-rc.1",
      "2.1.9",
      "2.0.1",
      "1.0.0",
      "3.0.0",
      "garbage",
    ]) {
      assert.equal(isCompatibleProtocolVersion(v), false, v);
    }
  });

  test("orders versions by semver precedence", () => {
    const ordered = [
      "1.0.0-alpha",
      "1.0.0-alpha.1",
      "1.0.0-alpha.beta",
      "1.0.0-beta",
      "1.0.0-beta.2",
      "1.0.0-beta.11",
      "1.0.0-rc.1",
      "1.0.0",
      "2.0.0",
      "2.1.0",
      "2.1.1",
    ];
    const parsed = ordered.map((v) => parseSemVer(v)!);
    for (let i = 0; i < parsed.length; i++) {
      for (let j = 0; j < parsed.length; j++) {
        assert.equal(
          Math.sign(compareSemVer(parsed[i]!, parsed[j]!)),
          Math.sign(i - j),
          `${ordered[i]} vs ${ordered[j]}`,
        );
      }
    }
    assert.equal(compareSemVer(parseSemVer("1.0.0+a")!, parseSemVer("1.0.0+b")!), 0);
  });

  test("parses pre-release and build identifiers", () => {
    assert.deepStrictEqual(parseSemVer("2.3.4-rc.1+sha.abc"), {
      major: 2,
      minor: 3,
      patch: 4,
      prerelease: ["rc", "1"],
      build: ["sha", "abc"],
    });
    assert.equal(parseSemVer("99999999999999999.0.0"), undefined);
  });

  test("builds the rejection text with the raw attribute", () => {
    assert.equal(
      incompatibleVersionMessage("3.0.0"),
      "Remote access protocol version 3.0.0 is not compatible with this device (supported: 2.3.0)",
    );
    assert.match(incompatibleVersionMessage(undefined), /version 2\.2\.0 is not/);
  });
});
