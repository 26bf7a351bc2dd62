// `foxglove-remote topics` and `echo` as child processes, reaching a gateway through the real API
// server and livekit-server.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { after, before, test } from "node:test";
import { promisify } from "node:util";
import { startChild } from "./helpers/childProcess.js";
import { startCountingDevice } from "./helpers/countingDevice.js";
import type { DeviceStack } from "./helpers/deviceStack.js";
import { startLiveKitServer, type TestLiveKitServer } from "./helpers/livekitServer.js";

const run = promisify(execFile);
const main = new URL("../src/cli/main.ts", import.meta.url).pathname;

let livekit: TestLiveKitServer;
let stack: DeviceStack;

before(async () => {
  livekit = await startLiveKitServer("cli-viewer");
  stack = await startCountingDevice(livekit);
});
after(async () => {
  await stack?.close();
  await livekit?.stop();
});

async function cli(...args: string[]) {
  return await run(process.execPath, ["--import", "tsx", main, ...args], {
    timeout: 60_000,
    env: { ...process.env, FOXGLOVE_API_URL: stack.api.url, FOXGLOVE_LOG_LEVEL: "error" },
  });
}

test("topics lists the device's channels (the server's only device by default)", async () => {
  const { stdout } = await cli("topics", "--json");
  const channels = JSON.parse(stdout) as { topic: string; encoding: string; reliable: boolean }[];
  assert.deepEqual(
    channels.map((c) => [c.topic, c.encoding, c.reliable]),
    [
      ["/status", "json", true],
      ["/camera", "protobuf", false],
      ["/camera/raw", "protobuf", false],
    ],
  );
});

test("echo --count --json prints decoded messages in order, one object per line", async () => {
  const { stdout } = await cli(
    "echo",
    "/status",
    "--device",
    "dev_testdevice",
    "--count",
    "3",
    "--json",
  );
  const lines = stdout.trim().split("\n");
  assert.equal(lines.length, 3);
  const msgs = lines.map(
    (l) => JSON.parse(l) as { topic: string; logTime: string; data: { n: number } },
  );
  assert.ok(msgs.every((m) => m.topic === "/status" && /^\d+$/.test(m.logTime)));
  assert.deepEqual(
    msgs.map((m) => m.data.n - msgs[0]!.data.n),
    [0, 1, 2],
  );
});

test("echo of a topic the device does not have fails with the topics it has", async () => {
  await assert.rejects(
    cli("echo", "/nope", "--wait", "300"),
    (e: Error & { code?: number; stderr?: string }) => {
      assert.equal(e.code, 1);
      assert.match(e.stderr ?? "", /no topic \/nope \(it has: \/status, \/camera, \/camera\/raw\)/);
      return true;
    },
  );
});

test("echo of an oversized lossy image prints the device's warning naming the topic", async () => {
  // --data: an image channel is otherwise received as video, which has no size limit.
  const echo = startChild(
    process.execPath,
    ["--import", "tsx", main, "echo", "/camera/raw", "--data"],
    {
      env: { ...process.env, FOXGLOVE_API_URL: stack.api.url, FOXGLOVE_LOG_LEVEL: "error" },
    },
  );
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no warning: ${echo.stderr()}`)), 20_000);
      echo.proc.stderr.on("data", () => {
        if (
          /device warning: Dropped \d+ messages? on topic \/camera\/raw: exceeds 100 KiB/.test(
            echo.stderr(),
          )
        ) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    assert.equal(echo.stdout(), "", "no image got through");
    echo.proc.kill("SIGINT");
    assert.equal(await echo.exit(5_000), 0, echo.stderr());
  } finally {
    echo.proc.kill("SIGKILL");
  }
});
