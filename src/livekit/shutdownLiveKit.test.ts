import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { test } from "node:test";

test("the gateway's shutdownLiveKit does not load rtc-node when LiveKit was never used", () => {
  // A fresh process: importing the gateway and shutting LiveKit down must leave rtc-node unloaded.
  const code = `
    import { createRequire } from "node:module";
    const { shutdownLiveKit } = await import("./src/gateway/index.ts");
    await shutdownLiveKit();
    const loaded = Object.keys(createRequire(import.meta.url).cache).filter((k) => k.includes("@livekit"));
    console.log(JSON.stringify(loaded));
  `;
  const out = execFileSync(
    process.execPath,
    ["--import", "tsx", "--input-type=module", "-e", code],
    {
      encoding: "utf8",
      cwd: new URL("../..", import.meta.url),
    },
  );
  assert.deepEqual(JSON.parse(out.trim().split("\n").at(-1)!), []);
});
