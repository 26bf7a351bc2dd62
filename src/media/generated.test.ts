import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { generateWasmSources } from "../../scripts/gen-wasm.js";

test("src/media/generated is up to date with assembly/ and scripts/gen-wasm.ts", async () => {
  const root = new URL("../../", import.meta.url);
  const sources = await generateWasmSources();
  assert.equal(sources.size, 1);
  for (const [path, expected] of sources) {
    const actual = readFileSync(new URL(path, root), "utf8");
    assert.ok(actual === expected, `${path} is stale: run node --import tsx scripts/gen-wasm.ts`);
  }
});
