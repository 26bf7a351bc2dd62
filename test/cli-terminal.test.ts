// The CLI as a user runs it in a terminal: `topics` and `echo` under a pseudo-terminal (util-linux
// `script`) against a real stack — livekit-server, the device API server and the sample device
// (`foxglove-remote device`, a child process) — must end by themselves, and Ctrl-C must stop them.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { startApiServer, TEST_DEVICE, type ApiServer } from "../src/api-server/index.js";
import { startChild, type RunningChild } from "./helpers/childProcess.js";
import { startLiveKitServer, type TestLiveKitServer } from "./helpers/livekitServer.js";

const main = fileURLToPath(new URL("../src/cli/main.ts", import.meta.url));
const cli = (...args: string[]) => [process.execPath, ["--import", "tsx", main, ...args]] as const;

let livekit: TestLiveKitServer;
let api: ApiServer;
let device: RunningChild;

before(async () => {
  livekit = await startLiveKitServer("cli-terminal");
  api = await startApiServer({
    devices: [TEST_DEVICE],
    livekit: { url: livekit.url, apiKey: livekit.apiKey, apiSecret: livekit.apiSecret },
  });
  device = startChild(...cli("device", "--api-url", api.url), {
    env: { ...process.env, FOXGLOVE_DEVICE_TOKEN: TEST_DEVICE.token },
  });
  await device.waitForOutput(/connected to/);
});

after(async () => {
  device?.proc.kill("SIGKILL");
  await api?.stop();
  await livekit?.stop();
});

/** Runs a CLI command in a pseudo-terminal. */
function inTerminal(...args: string[]): RunningChild {
  return startChild(...cli(...args), {
    terminal: true,
    env: { ...process.env, FOXGLOVE_API_URL: api.url },
  });
}

test("topics in a terminal prints the sample device's channels and exits by itself", async () => {
  const run = inTerminal("topics");
  assert.equal(await run.exit(15_000), 0, run.stdout());
  for (const topic of ["/imu", "/battery", "/diagnostics", "/gps", "/tf"]) {
    assert.match(run.stdout(), new RegExp(`\\s${topic}\\s`));
  }
});

test("echo --count 3 in a terminal prints 3 messages and exits by itself", async () => {
  const run = inTerminal("echo", "/imu", "--count", "3");
  assert.equal(await run.exit(15_000), 0, run.stdout());
  const lines = run
    .stdout()
    .split(/\r?\n/)
    .filter((l) => l.includes(" /imu {"));
  assert.equal(lines.length, 3, run.stdout());
});

test("one Ctrl-C stops echo in a terminal at once, with code 0", async () => {
  const run = inTerminal("echo", "/imu");
  await run.waitForOutput(/ \/imu \{/);
  run.proc.stdin.write("\x03"); // the terminal turns it into SIGINT for the foreground job
  assert.equal(await run.exit(5_000), 0, run.stdout());
});

test("Ctrl-C (SIGINT) stops the sample device; it exits by itself with code 0", async () => {
  device.proc.kill("SIGINT");
  assert.equal(await device.exit(5_000), 0, device.stderr());
  assert.match(device.stdout(), /stopped/);
});
