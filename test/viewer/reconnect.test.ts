// A viewer process stopped (SIGSTOP) until LiveKit drops it, then resumed (SIGCONT): it must say
// that it was disconnected (the device never left), and with reconnection on, receive data again.
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { after, before, test } from "node:test";
import { RawChannel } from "../../src/core/RawChannel.js";
import { setLogLevel } from "../../src/core/logger.js";
import { TEST_DEVICE } from "../../src/api-server/index.js";
import { startDeviceStack, type DeviceStack } from "../helpers/deviceStack.js";
import { EventLog } from "../helpers/EventLog.js";
import { startLiveKitServer, type TestLiveKitServer } from "../helpers/livekitServer.js";

interface ChildEvent {
  event: string;
  identity?: string;
  reason?: string;
  i?: number;
}

let livekit: TestLiveKitServer;
let stack: DeviceStack;
let ticker: NodeJS.Timeout;
const left = new EventLog<string>();
const children: ChildProcess[] = [];

before(async () => {
  setLogLevel("error");
  livekit = await startLiveKitServer("viewer-reconnect");
  stack = await startDeviceStack(livekit, {
    qosClassifier: () => ({ reliability: "reliable" }),
    // The device notices a viewer is gone when its subscriptions are dropped.
    listener: { onUnsubscribe: (client) => left.push(client.identity) },
  });
  const tick = new RawChannel("/tick", { context: stack.context, messageEncoding: "json" });
  let i = 0;
  ticker = setInterval(() => tick.log(new TextEncoder().encode(JSON.stringify({ i: i++ }))), 50);
});

after(async () => {
  clearInterval(ticker);
  for (const c of children) {
    c.kill("SIGCONT");
    c.kill();
  }
  await stack?.close();
  await livekit?.stop();
});

/** Starts a viewer child process and collects its events. */
function viewerChild(reconnect: boolean): { child: ChildProcess; events: EventLog<ChildEvent> } {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", fileURLToPath(new URL("../fixtures/viewerChild.ts", import.meta.url))],
    {
      env: {
        ...process.env,
        API_URL: stack.api.url,
        DEVICE: TEST_DEVICE.id,
        LK_ICE: JSON.stringify(livekit.iceServers),
        RECONNECT: reconnect ? "1" : "0",
      },
      stdio: ["pipe", "pipe", "inherit"],
    },
  );
  children.push(child);
  const events = new EventLog<ChildEvent>();
  createInterface({ input: child.stdout }).on("line", (line) => {
    events.push(JSON.parse(line) as ChildEvent);
  });
  return { child, events };
}

test("a stopped then resumed viewer reports disconnected, and reconnects when asked", async () => {
  const plain = viewerChild(false);
  const keeper = viewerChild(true);
  const ids: string[] = [];
  for (const v of [plain, keeper]) {
    const ready = await v.events.waitFor((e) => e.event === "ready", 30_000, "ready");
    ids.push(ready.identity!);
    await v.events.waitFor((e) => e.event === "message", 10_000, "a first message");
  }
  plain.child.kill("SIGSTOP");
  keeper.child.kill("SIGSTOP");
  // Stopped until LiveKit has dropped both (the device removes them and their subscriptions).
  await left.waitFor((id) => id === ids[0], 90_000, "the device dropping the plain viewer");
  await left.waitFor((id) => id === ids[1], 90_000, "the device dropping the keeper");
  plain.child.kill("SIGCONT");
  keeper.child.kill("SIGCONT");

  // A resumed participant learns it was dropped only when its signalling times out and LiveKit
  // refuses the resume (about 35 s here): wait as long as for the drop itself.
  const closed = await plain.events.waitFor((e) => e.event === "close", 90_000, "plain close");
  assert.equal(closed.reason, "disconnected", "the device never left");

  await keeper.events.waitFor((e) => e.event === "disconnected", 90_000, "keeper disconnected");
  const back = await keeper.events.waitFor((e) => e.event === "reconnected", 60_000, "rejoin");
  const after = keeper.events.items.length;
  await keeper.events.waitFor(
    (e) => e.event === "message" && keeper.events.items.indexOf(e) >= after,
    30_000,
    "data after reconnecting",
  );
  assert.ok(!keeper.events.items.some((e) => e.event === "close"), "the keeper stayed open");
  assert.ok(back.identity);
  keeper.child.stdin?.end();
  await keeper.events.waitFor((e) => e.event === "close", 10_000, "keeper close");
  assert.equal(keeper.events.items.find((e) => e.event === "close")?.reason, "closed");
});
