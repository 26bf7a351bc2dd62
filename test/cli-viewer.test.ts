// `foxglove-remote topics` and `echo` as child processes, reaching a gateway through the real API
// server and livekit-server.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { after, before, test } from "node:test";
import { promisify } from "node:util";
import { Channel } from "../src/core/Channel.js";
import { RawChannel } from "../src/core/RawChannel.js";
import { RawImage } from "../src/messages/index.js";
import { startChild } from "./helpers/childProcess.js";
import { startDeviceStack, type DeviceStack } from "./helpers/deviceStack.js";
import { startLiveKitServer, type TestLiveKitServer } from "./helpers/livekitServer.js";

const run = promisify(execFile);
const main = new URL("../src/cli/main.ts", import.meta.url).pathname;

let livekit: TestLiveKitServer;
let stack: DeviceStack;
let timer: NodeJS.Timeout;

before(async () => {
  livekit = await startLiveKitServer("cli-viewer");
  stack = await startDeviceStack(livekit, {
    qosClassifier: (ch) => ({ reliability: ch.topic === "/status" ? "reliable" : "lossy" }),
  });
  const status = new RawChannel("/status", { context: stack.context, messageEncoding: "json" });
  new RawChannel("/camera", {
    context: stack.context,
    messageEncoding: "protobuf",
    schema: { name: "foxglove.CompressedImage", encoding: "protobuf", data: new Uint8Array([1]) },
  });
  // A 320x240 rgb8 image (230 400 bytes) on a lossy channel: over the 100 KiB data-track limit.
  const image = new Channel<RawImage>("/camera/raw", { context: stack.context, encoder: RawImage });
  const pixels = new Uint8Array(320 * 240 * 3);
  let n = 0;
  timer = setInterval(() => {
    status.log(new TextEncoder().encode(JSON.stringify({ n: n++ })));
    if (n % 10 === 0) {
      image.log({
        timestamp: { sec: 0, nsec: 0 },
        frame_id: "camera",
        width: 320,
        height: 240,
        encoding: "rgb8",
        step: 960,
        data: pixels,
      });
    }
  }, 20);
});
after(async () => {
  clearInterval(timer);
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
