import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { test } from "node:test";
import { TEST_DEVICE } from "../../api-server/ApiServerOptions.js";
import { apiServerOptionsFrom } from "./apiServer.js";

const main = new URL("../main.ts", import.meta.url).pathname;

test("options: flags over config file over env over defaults", () => {
  const defaults = apiServerOptionsFrom({ device: [] }, {}, {});
  assert.equal(defaults.port, 8780);
  assert.deepEqual(defaults.devices, [TEST_DEVICE]);
  assert.deepEqual(defaults.livekit, {});
  assert.equal(defaults.host, undefined);

  const env = { LIVEKIT_URL: "ws://env", LIVEKIT_API_KEY: "ek", FOXGLOVE_VIEWER_KEY: "evk" };
  const file = {
    port: 1,
    host: "0.0.0.0",
    livekit: { apiKey: "fk" },
    devices: [{ id: "f", name: "f", token: "t" }],
  };
  const fromFile = apiServerOptionsFrom({ device: [] }, file, env);
  assert.equal(fromFile.port, 1);
  assert.equal(fromFile.host, "0.0.0.0");
  assert.deepEqual(fromFile.livekit, { url: "ws://env", apiKey: "fk" });
  assert.equal(fromFile.viewerKey, "evk");
  assert.deepEqual(fromFile.devices, file.devices);

  const fromFlags = apiServerOptionsFrom(
    { device: ["a:b:c"], port: 2, livekitApiKey: "xk", viewerKey: "fvk", wakeOnWatch: true },
    file,
    env,
  );
  assert.equal(fromFlags.port, 2);
  assert.deepEqual(fromFlags.devices, [{ id: "a", name: "b", token: "c" }]);
  assert.deepEqual(fromFlags.livekit, { url: "ws://env", apiKey: "xk" });
  assert.equal(fromFlags.viewerKey, "fvk");
  assert.equal(fromFlags.wakeOnWatch, true);
});

test("`foxglove-remote api-server` serves, prints requests without tokens, and stops on Ctrl-C", async () => {
  const dir = await mkdtemp(join(tmpdir(), "api-server-cli-"));
  try {
    const config = join(dir, "config.json");
    await writeFile(
      config,
      JSON.stringify({ devices: [{ id: "dev_cli", name: "cli", token: "fox_dt_cli_secret" }] }),
    );
    const child = spawn(
      process.execPath,
      ["--import", "tsx", main, "api-server", "--port", "0", "--config", config, "--verbose"],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    const output: string[] = [];
    const waiters: (() => void)[] = [];
    createInterface({ input: child.stdout }).on("line", (line) => {
      output.push(line);
      waiters.splice(0).forEach((w) => w());
    });
    const exited = once(child, "exit");
    const waitLine = async (match: (line: string) => boolean): Promise<string> => {
      const deadline = AbortSignal.timeout(10_000);
      for (;;) {
        const found = output.find(match);
        if (found !== undefined) return found;
        deadline.throwIfAborted();
        await new Promise<void>((resolve, reject) => {
          waiters.push(resolve);
          deadline.addEventListener("abort", () => reject(new Error(output.join("\n"))));
        });
      }
    };
    const listening = await waitLine((l) => l.includes("listening on"));
    const url = /listening on (http:\/\/\S+)/.exec(listening)?.[1];
    await waitLine((l) => l.startsWith("Press Ctrl-C"));
    assert.ok(url !== undefined);
    assert.ok(output.some((l) => l.includes("dev_cli (cli)")));
    const res = await fetch(`${url}/internal/platform/v1/device-info`, {
      headers: { Authorization: "DeviceToken fox_dt_cli_secret" },
    });
    assert.equal(res.status, 200);
    await waitLine((l) => l === "GET /internal/platform/v1/device-info -> 200 dev_cli");
    child.kill("SIGINT");
    const [code] = (await exited) as [number | null];
    assert.equal(code, 0);
    await waitLine((l) => l === "api-server stopped");
    assert.ok(!output.join("\n").includes("fox_dt_cli_secret"));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("a bad config file exits 1 with a clear message", async () => {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", main, "api-server", "--port", "0", "--config", "/nonexistent/x.json"],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const [code] = (await once(child, "exit")) as [number | null];
  assert.equal(code, 1);
  assert.match(stderr, /cannot read config file/);
});
