// `foxglove-remote demo --duration` as a child process: every demo channel reaches the viewer,
// the demo exits by itself with code 0, and leaves no livekit-server behind.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { test } from "node:test";
import { DEMO_TOPICS } from "../src/cli/demo/DemoRobot.js";
import { within } from "./helpers/EventLog.js";

const main = new URL("../src/cli/main.ts", import.meta.url).pathname;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

test("the demo runs for --duration, delivers every channel and stops everything", async () => {
  const child = spawn(process.execPath, ["--import", "tsx", main, "demo", "--duration", "3"], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, FOXGLOVE_LOG_LEVEL: "error" },
  });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
  child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  let code: unknown;
  try {
    [code] = (await within(once(child, "exit"), 90_000, "demo exit")) as [number | null];
  } finally {
    if (child.exitCode === null) child.kill("SIGKILL");
  }
  assert.equal(code, 0, `demo failed:\n${stdout}\n${stderr}`);
  const pid = Number(/LiveKit server \S+ \(pid (\d+)\)/.exec(stdout)?.[1]);
  assert.ok(pid > 0, stdout);
  assert.equal(alive(pid), false, "livekit-server still running");
  const summary = stdout.slice(stdout.indexOf("Stopping (duration reached)"));
  assert.ok(summary.length > 0, stdout);
  for (const { topic } of DEMO_TOPICS) {
    const m = new RegExp(`^\\s+${topic}\\s+\\S+ Hz\\s+(\\d+) messages`, "m").exec(summary);
    assert.ok(m !== null && Number(m[1]) > 0, `no messages on ${topic}:\n${summary}`);
  }
  assert.match(stdout, /Demo stopped\./);
});

test("Ctrl-C (SIGINT) stops the demo cleanly", async () => {
  const child = spawn(process.execPath, ["--import", "tsx", main, "demo"], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, FOXGLOVE_LOG_LEVEL: "error" },
  });
  let stdout = "";
  child.stdout.setEncoding("utf8");
  const rates = new Promise<void>((resolve) =>
    child.stdout.on("data", (d: string) => {
      stdout += d;
      if (stdout.includes("Live rates after")) resolve();
    }),
  );
  try {
    await within(rates, 60_000, "live rates");
    child.kill("SIGINT");
    const [code] = (await within(once(child, "exit"), 20_000, "demo exit")) as [number | null];
    assert.equal(code, 0, stdout);
  } finally {
    if (child.exitCode === null) child.kill("SIGKILL");
  }
  const pid = Number(/\(pid (\d+)\)/.exec(stdout)?.[1]);
  assert.equal(alive(pid), false);
  assert.match(stdout, /Stopping \(stopped\)/);
});
