// `foxglove-remote serve` as a child process: the sample device's channels reach an independent
// WebSocket client (FoxgloveClient); Ctrl-C stops it cleanly.
import assert from "node:assert/strict";
import { once } from "node:events";
import { test } from "node:test";
import wsProtocol from "@foxglove/ws-protocol";
import WebSocket from "ws";
import { DEMO_TOPICS } from "../src/cli/demo/DemoRobot.js";
import { startChild } from "./helpers/childProcess.js";
import { EventLog } from "./helpers/EventLog.js";

const { FoxgloveClient } = wsProtocol;
const main = new URL("../src/cli/main.ts", import.meta.url).pathname;

test("serve advertises every demo channel, streams them, and stops on Ctrl-C", async () => {
  const child = startChild(process.execPath, ["--import", "tsx", main, "serve", "--port", "0"], {
    env: { ...process.env, FOXGLOVE_LOG_LEVEL: "error" },
  });
  try {
    const url = (await child.waitForOutput(/on (ws:\/\/\S+);/, 30_000))[1]!;
    const ws = new WebSocket(url, ["foxglove.websocket.v1"]);
    const client = new FoxgloveClient({ ws });
    const topics = new EventLog<string>();
    const channels = new Map<number, string>();
    const subscriptions = new Map<number, string>();
    client.on("advertise", (list) => list.forEach((c) => channels.set(c.id, c.topic)));
    client.on("message", (m) => topics.push(subscriptions.get(m.subscriptionId) ?? "?"));
    const advertised = new EventLog<number>();
    client.on("advertise", () => advertised.push(channels.size));
    await once(ws, "open");
    await advertised.waitFor((n) => n === DEMO_TOPICS.length, 10_000, "every demo channel");
    assert.deepEqual([...channels.values()].sort(), DEMO_TOPICS.map((t) => t.topic).sort());
    for (const [id, topic] of channels) subscriptions.set(client.subscribe(id), topic);
    const topic = await topics.waitFor(() => true, 20_000, "a message");
    assert.ok(
      DEMO_TOPICS.some((t) => t.topic === topic),
      topic,
    );
    client.close();
    child.proc.kill("SIGINT");
    assert.equal(await child.exit(30_000), 0, child.stdout());
    assert.match(child.stdout(), /Stopped\./);
  } finally {
    if (child.proc.exitCode === null) child.proc.kill("SIGKILL");
  }
});
