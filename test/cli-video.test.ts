// `foxglove-remote snapshot` and `echo` of a video channel as child processes, reaching a gateway
// through the real API server and livekit-server.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { promisify } from "node:util";
import sharp from "sharp";
import { Channel } from "../src/core/Channel.js";
import { RawImage } from "../src/messages/index.js";
import { startDeviceStack, type DeviceStack } from "./helpers/deviceStack.js";
import { startLiveKitServer, type TestLiveKitServer } from "./helpers/livekitServer.js";

const run = promisify(execFile);
const main = new URL("../src/cli/main.ts", import.meta.url).pathname;
const COLOUR = [40, 160, 220] as const;

let livekit: TestLiveKitServer;
let stack: DeviceStack;
let timer: NodeJS.Timeout;
let dir: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), "cli-video-"));
  livekit = await startLiveKitServer("cli-video");
  stack = await startDeviceStack(livekit);
  const camera = new Channel("/camera", { context: stack.context, encoder: RawImage });
  const data = new Uint8Array(640 * 480 * 3);
  for (let i = 0; i < data.length; i += 3) {
    data.set(COLOUR, i);
  }
  const image = {
    timestamp: { sec: 1, nsec: 0 },
    frame_id: "cam",
    width: 640,
    height: 480,
    encoding: "rgb8",
    step: 1920,
    data,
  };
  // An image channel that never logs: its track is published on subscription, with no frames.
  new Channel("/idle", { context: stack.context, encoder: RawImage });
  // A small image channel: its messages fit a data track, so it can also be received as data.
  const thumb = new Channel("/thumb", { context: stack.context, encoder: RawImage });
  const small = {
    ...image,
    width: 32,
    height: 24,
    encoding: "mono8",
    step: 32,
    data: new Uint8Array(32 * 24),
  };
  timer = setInterval(() => {
    camera.log(image);
    thumb.log(small);
  }, 33);
});
after(async () => {
  clearInterval(timer);
  await stack?.close();
  await livekit?.stop();
  await rm(dir, { recursive: true, force: true });
});

async function cli(...args: string[]) {
  return await run(process.execPath, ["--import", "tsx", main, ...args], {
    timeout: 90_000,
    env: { ...process.env, FOXGLOVE_API_URL: stack.api.url, FOXGLOVE_LOG_LEVEL: "error" },
  });
}

test("snapshot writes one frame of a video channel as a PNG of its size and colour", async () => {
  const file = join(dir, "out.png");
  const { stdout } = await cli("snapshot", "/camera", file);
  assert.match(stdout, /wrote .*out\.png \(640x480\)/);
  const { data, info } = await sharp(file).raw().toBuffer({ resolveWithObject: true });
  assert.deepEqual([info.width, info.height, info.channels], [640, 480, 4]);
  const sums = [0, 0, 0];
  for (let i = 0; i < data.length; i += 4) {
    sums[0]! += data[i]!;
    sums[1]! += data[i + 1]!;
    sums[2]! += data[i + 2]!;
  }
  // The first decoded frame may come at the encoder's start-up quality: a looser tolerance.
  sums.forEach((s, k) => {
    const mean = s / (640 * 480);
    assert.ok(Math.abs(mean - COLOUR[k]!) <= 10, `channel ${k}: mean ${mean.toFixed(1)}`);
  });
});

test("snapshot of an image topic that logs nothing exits 1 after --wait, saying so", async () => {
  const file = join(dir, "idle.png");
  await assert.rejects(cli("snapshot", "/idle", file, "--wait", "2000"), (error: unknown) => {
    const e = error as { code?: number; stderr?: string };
    assert.equal(e.code, 1);
    assert.match(e.stderr ?? "", /no frame of \/idle within 2000 ms/);
    return true;
  });
});

test("echo of a video channel prints its frame size and rate", async () => {
  const { stdout } = await cli("echo", "/camera", "--count", "45", "--json");
  const lines = stdout
    .trim()
    .split("\n")
    .map(
      (l) =>
        JSON.parse(l) as {
          topic: string;
          width: number;
          height: number;
          fps: number;
          frames: number;
        },
    );
  assert.ok(lines.length >= 2, stdout);
  assert.ok(lines.every((l) => l.topic === "/camera" && l.width === 640 && l.height === 480));
  assert.equal(lines.at(-1)!.frames, 45);
  assert.ok(
    lines.slice(1).some((l) => l.fps > 1),
    stdout,
  );
});

test("echo --data of a video channel prints its messages instead", async () => {
  const { stdout } = await cli("echo", "/thumb", "--data", "--count", "2", "--json");
  const lines = stdout
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as { topic: string });
  assert.deepEqual(
    lines.map((l) => l.topic),
    ["/thumb", "/thumb"],
  );
});
