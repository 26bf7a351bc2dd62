import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { createServer, type AddressInfo } from "node:net";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const main = fileURLToPath(new URL("../main.ts", import.meta.url));

/** Starts `foxglove-remote livekit` on free ports; resolves once it printed its banner. */
async function startDevServer() {
  const proc = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      main,
      "livekit",
      "--port",
      "0",
      "--rtc-tcp-port",
      "0",
      "--rtc-udp-port",
      "0",
      "--token",
      "alice",
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  const out = { stdout: "", stderr: "" };
  proc.stderr.on("data", (d: Buffer) => (out.stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => proc.on("exit", (code) => resolve(code)));
  const banner = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no banner within 30 s: ${out.stdout}`)),
      30_000,
    );
    proc.stdout.on("data", (d: Buffer) => {
      out.stdout += d.toString();
      if (out.stdout.includes("Press Ctrl-C")) {
        clearTimeout(timer);
        resolve(out.stdout);
      }
    });
  });
  try {
    const text = await banner;
    const url = /url:\s+(ws:\/\/127\.0\.0\.1:\d+)/.exec(text)?.[1];
    const pid = Number(/pid (\d+)/.exec(text)?.[1]);
    assert.ok(url, text);
    return { proc, out, exited, text, url, pid };
  } catch (error) {
    proc.kill("SIGKILL");
    throw error;
  }
}

test("foxglove-remote livekit runs a dev server until Ctrl-C", async () => {
  const { proc, out, exited, text, url, pid } = await startDevServer();
  try {
    assert.match(text, /api key:\s+devkey/);
    assert.match(text, /token for alice in room dev: eyJ/);
    const res = await fetch(url.replace("ws:", "http:"));
    assert.equal(res.status, 200);
    proc.kill("SIGINT");
    assert.equal(await exited, 0, out.stderr);
    assert.match(out.stdout, /LiveKit dev server stopped/);
    assert.throws(() => process.kill(pid, 0), "the server process is gone");
  } finally {
    proc.kill("SIGKILL");
  }
});

test("Ctrl-C stops a dev server that does not stop by itself: killed after 5 s, exit 0", async () => {
  const { proc, out, exited, pid } = await startDevServer();
  try {
    process.kill(pid, "SIGSTOP"); // it cannot act on SIGTERM now; SIGKILL still ends it
    proc.kill("SIGINT");
    assert.equal(await exited, 0, out.stderr);
    assert.match(out.stderr, /did not stop within 5 s of SIGTERM; killed/);
    assert.match(out.stdout, /LiveKit dev server stopped/);
    assert.throws(() => process.kill(pid, 0), "the server process is gone");
  } finally {
    proc.kill("SIGKILL");
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
});

test("foxglove-remote livekit rejects a bad port", async () => {
  const proc = spawn(process.execPath, ["--import", "tsx", main, "livekit", "--port", "http"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  proc.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve) => proc.on("exit", resolve));
  assert.notEqual(code, 0);
  assert.match(stderr, /--port must be a port number/);
});

test("foxglove-remote livekit on a taken port fails at once, naming EADDRINUSE", async () => {
  const taken = createServer().listen(0, "127.0.0.1");
  await once(taken, "listening");
  const { port } = taken.address() as AddressInfo;
  try {
    const proc = spawn(
      process.execPath,
      ["--import", "tsx", main, "livekit", "--port", String(port), "--rtc-tcp-port", "0"],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    let stdout = "";
    let stderr = "";
    proc.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    proc.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const [code] = (await once(proc, "exit")) as [number | null];
    assert.equal(code, 1, stderr);
    assert.match(
      stderr,
      new RegExp(`127\\.0\\.0\\.1:${port} \\(--port\\) is not free.*EADDRINUSE`),
    );
    assert.doesNotMatch(stdout, /running/);
  } finally {
    taken.close();
  }
});
