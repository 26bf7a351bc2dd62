import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { test } from "node:test";

test("importing the gateway loads no message encoders, JSON schemas or Draco (device footprint)", () => {
  // A fresh process: the gateway's main thread only classifies point-cloud channels; the
  // encoders, @foxglove/schemas and draco3d belong to the worker threads and the messages entry.
  const code = `
    import { createRequire } from "node:module";
    await import("./src/gateway/index.ts");
    const loaded = Object.keys(createRequire(import.meta.url).cache).filter((k) =>
      /node_modules\\/(@foxglove\\/schemas|draco3d)\\//.test(k),
    );
    console.log(JSON.stringify(loaded));
  `;
  const out = execFileSync(
    process.execPath,
    ["--import", "tsx", "--input-type=module", "-e", code],
    { encoding: "utf8", cwd: new URL("../..", import.meta.url) },
  );
  assert.deepEqual(JSON.parse(out.trim().split("\n").at(-1)!), []);
});
