import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { generateMessageSources } from "../../scripts/gen-messages.js";

test("src/messages/generated is up to date with scripts/gen-messages.ts", () => {
  const root = new URL("../../", import.meta.url);
  const sources = generateMessageSources();
  assert.ok(sources.size >= 3);
  for (const [path, expected] of sources) {
    const actual = readFileSync(new URL(path, root), "utf8");
    assert.ok(
      actual === expected,
      `${path} is stale: run node --import tsx scripts/gen-messages.ts`,
    );
  }
});
