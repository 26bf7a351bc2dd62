import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { startLiveKitServer, type TestLiveKitServer } from "../helpers/livekitServer.js";

const child = fileURLToPath(new URL("../fixtures/livekitChild.ts", import.meta.url));
let server: TestLiveKitServer;

before(async () => {
  server = await startLiveKitServer("lifecycle");
});

after(async () => {
  await server?.stop();
});

/** Runs the child fixture; resolves with its output once it exits, or rejects after `ms`. */
function runChild(
  mode: string,
  ms = 30_000,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ["--import", "tsx", child, mode], {
      env: {
        ...process.env,
        NODE_ENV: "development", // rtc-node's own logger would print debug JSON to stdout
        LK_URL: server.url,
        LK_KEY: server.apiKey,
        LK_SECRET: server.apiSecret,
        LK_ICE: JSON.stringify(server.iceServers),
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    proc.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    proc.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      proc.kill("SIGKILL");
      reject(
        new Error(
          `child "${mode}" did not exit within ${ms} ms; stdout: ${stdout}; stderr: ${stderr}`,
        ),
      );
    }, ms);
    proc.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

test("a process that used LiveKit exits by itself once its rooms are closed", async () => {
  const { code, stdout, stderr } = await runChild("exit");
  assert.equal(code, 0, stderr);
  // Only our own lines: rtc-node's pino logger (JSON on stdout) is silenced.
  assert.equal(stdout, "joined exit-1 published=true\ndone\n");
  assert.doesNotMatch(stderr, /"level"|lk-rtc/);
});

test("after shutdownLiveKit() the next use re-initializes the native layer", async () => {
  const { code, stdout, stderr } = await runChild("reinit");
  assert.equal(code, 0, stderr);
  assert.equal(stdout, "joined reinit-1 published=true\njoined reinit-2 published=true\ndone\n");
});
