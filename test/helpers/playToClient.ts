import wsProtocol from "@foxglove/ws-protocol";
import WebSocket from "ws";
import { encodeClientMessageV1 } from "../../src/protocol/index.js";
import { startChild } from "./childProcess.js";
import { EventLog } from "./EventLog.js";

const { FoxgloveClient } = wsProtocol;
const main = new URL("../../src/cli/main.ts", import.meta.url).pathname;

/** What a FoxgloveClient received from `foxglove-remote play`. */
export interface PlayedToClient {
  channels: { id: number; topic: string; schemaName: string }[];
  messages: { topic: string | undefined; logTime: bigint; data: Uint8Array }[];
  /** `time` messages received. */
  times: number;
  /** The player's stdout, and its exit code after Ctrl-C (SIGINT). */
  stdout: string;
  exitCode: number | string;
}

/**
 * Runs `foxglove-remote play <path> --paused` as a child process, connects a FoxgloveClient,
 * subscribes to every channel, starts playback with a playback control request on the same
 * socket, waits for `count` messages, then stops the player with SIGINT.
 */
export async function playToClient(
  path: string,
  count: number,
  speed: number,
): Promise<PlayedToClient> {
  const child = startChild(
    process.execPath,
    ["--import", "tsx", main, "play", path, "--port", "0", "--paused", "--speed", `${speed}`],
    { env: { ...process.env, FOXGLOVE_LOG_LEVEL: "error" } },
  );
  try {
    const url = (await child.waitForOutput(/on (ws:\/\/\S+)/, 30_000))[1]!;
    const ws = new WebSocket(url, ["foxglove.sdk.v1"]);
    const client = new FoxgloveClient({ ws });
    const events = new EventLog<{ type: string; value: unknown }>();
    for (const type of ["advertise", "message", "time", "error"] as const) {
      client.on(type, (value: unknown) => events.push({ type, value }));
    }
    const channels = (await events.waitFor((e) => e.type === "advertise")).value as {
      id: number;
      topic: string;
      schemaName: string;
    }[];
    const topicOf = new Map<number, string>();
    for (const c of channels) topicOf.set(client.subscribe(c.id), c.topic);
    // Same socket, after the subscriptions: play.
    ws.send(
      encodeClientMessageV1({
        op: "playbackControlRequest",
        command: "play",
        playbackSpeed: speed,
        requestId: "go",
      }),
    );
    const isMessage = (e: { type: string }) => e.type === "message";
    await events.waitFor(
      () => events.items.filter(isMessage).length === count,
      60_000,
      `${count} messages`,
    );
    const messages = events.items.filter(isMessage).map((e) => {
      const m = e.value as { subscriptionId: number; timestamp: bigint; data: DataView };
      return {
        topic: topicOf.get(m.subscriptionId),
        logTime: m.timestamp,
        data: new Uint8Array(m.data.buffer, m.data.byteOffset, m.data.byteLength),
      };
    });
    client.close();
    child.proc.kill("SIGINT");
    const exitCode = await child.exit(30_000);
    return {
      channels,
      messages,
      times: events.items.filter((e) => e.type === "time").length,
      stdout: child.stdout(),
      exitCode,
    };
  } finally {
    if (child.proc.exitCode === null) child.proc.kill("SIGKILL");
  }
}
