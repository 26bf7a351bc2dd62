// `foxglove-remote record` as a child process, through pipes and in a pseudo-terminal, recording a
// device reached through the real API server and livekit-server; the file is read back with
// @mcap/core's readers.
import assert from "node:assert/strict";
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { readIndexed, readStream } from "../src/mcap/testing/readMcap.js";
import { within } from "./helpers/EventLog.js";
import { terminalArgs } from "./helpers/childProcess.js";
import { playToClient } from "./helpers/playToClient.js";
import { startCountingDevice } from "./helpers/countingDevice.js";
import type { DeviceStack } from "./helpers/deviceStack.js";
import { startLiveKitServer, type TestLiveKitServer } from "./helpers/livekitServer.js";

const main = new URL("../src/cli/main.ts", import.meta.url).pathname;
const ESC = String.fromCharCode(0x1b);

let livekit: TestLiveKitServer;
let stack: DeviceStack;
let dir: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), "cli-record-"));
  livekit = await startLiveKitServer("cli-record");
  stack = await startCountingDevice(livekit);
});
after(async () => {
  await stack?.close();
  await livekit?.stop();
  await rm(dir, { recursive: true, force: true });
});

const env = () => ({
  ...process.env,
  FOXGLOVE_API_URL: stack.api.url,
  FOXGLOVE_LOG_LEVEL: "error",
});

/** Collects a child's output and resolves `until` once `pattern` matches it. */
function watch(child: ChildProcessWithoutNullStreams, stream: "stdout" | "stderr") {
  let text = "";
  child[stream].setEncoding("utf8").on("data", (d: string) => (text += d));
  return {
    get text() {
      return text;
    },
    until: (pattern: RegExp, what: string) =>
      within(
        new Promise<void>((resolve, reject) => {
          const check = () => (pattern.test(text) ? resolve() : undefined);
          child[stream].on("data", check);
          child.on("exit", () => reject(new Error(`exited before ${what}:\n${text}`)));
          check();
        }),
        60_000,
        what,
      ),
  };
}

/** Asserts the file holds exactly `count` messages, /status gap-free, for both readers. */
async function assertRecording(path: string, count: number): Promise<void> {
  const indexed = await readIndexed(path);
  assert.equal(indexed.messages.length, count);
  const status = indexed.channels.find((c) => c.topic === "/status");
  assert.equal(status?.messageEncoding, "json");
  const ns = indexed.messages
    .filter((m) => m.topic === "/status")
    .map((m) => (JSON.parse(new TextDecoder().decode(m.data)) as { n: number }).n);
  assert.ok(ns.length >= 20, `only ${ns.length} /status messages`);
  assert.deepEqual(
    ns,
    ns.map((_, i) => ns[0]! + i),
    "reliable /status arrives gap-free",
  );
  const streamed = await readStream(path);
  assert.equal(streamed.complete, true);
  assert.deepEqual(
    streamed.messages.map((m) => m.data),
    indexed.messages.map((m) => m.data),
  );
}

test("through pipes: plain progress lines, Ctrl-C (SIGINT) leaves a complete file", async () => {
  const path = join(dir, "pipes.mcap");
  const child = spawn(process.execPath, ["--import", "tsx", main, "record", path], {
    env: env(),
  });
  const err = watch(child, "stderr");
  try {
    await err.until(/^([2-9]\d|\d{3,}) messages .* msg\/s +\d\d:\d\d:\d\d$/m, "20 messages");
    child.kill("SIGINT");
    const [code] = (await within(once(child, "exit"), 30_000, "exit")) as [number | null];
    assert.equal(code, 0, err.text);
  } finally {
    if (child.exitCode === null) child.kill("SIGKILL");
  }
  assert.ok(!err.text.includes("\r") && !err.text.includes(ESC), "no terminal codes in a pipe");
  const count = Number(/Recorded (\d+) messages/.exec(err.text)?.[1]);
  assert.ok(count > 0, err.text);
  await assertRecording(path, count);

  // The recording replays with `play`: a FoxgloveClient receives the same messages.
  const recorded = (await readIndexed(path)).messages;
  const played = await playToClient(path, recorded.length, 50);
  assert.equal(played.exitCode, 0, played.stdout);
  assert.deepEqual(
    played.messages,
    recorded.map((m) => ({ topic: m.topic, logTime: m.logTime, data: m.data })),
  );
});

test("in a pseudo-terminal: the progress line redraws in place, Ctrl-C leaves a complete file", async () => {
  const path = join(dir, "pty.mcap");
  const args = ["--import", "tsx", main, "record", path];
  const child = spawn("script", terminalArgs(process.execPath, args), { env: env() });
  const out = watch(child, "stdout");
  try {
    await out.until(new RegExp(`\r${ESC}\\[2K([2-9]\\d|\\d{3,}) messages`), "20 messages");
    child.stdin.write("\x03"); // Ctrl-C typed at the terminal
    const [code] = (await within(once(child, "exit"), 30_000, "exit")) as [number | null];
    assert.equal(code, 0, out.text);
  } finally {
    if (child.exitCode === null) child.kill("SIGKILL");
  }
  const count = Number(/Recorded (\d+) messages/.exec(out.text)?.[1]);
  assert.ok(count > 0, out.text);
  await assertRecording(path, count);
});

test("refuses to replace an existing file unless --overwrite", async () => {
  const path = join(dir, "exists.mcap");
  await writeFile(path, "keep");
  const child = spawn(process.execPath, ["--import", "tsx", main, "record", path], {
    env: env(),
  });
  const err = watch(child, "stderr");
  const [code] = (await within(once(child, "exit"), 30_000, "exit")) as [number | null];
  assert.equal(code, 1);
  assert.match(err.text, /exists\.mcap already exists \(use --overwrite/);
  assert.equal(await readFile(path, "utf8"), "keep");
});
