// Local WebSocket server throughput: ours beside the reference SDK's start_server (PyPI
// foxglove-sdk) and @foxglove/ws-protocol's FoxgloveServer. Each server runs in its own process
// and logs one channel as fast as it can for SECONDS once every client subscribed; the clients
// (raw `ws` sockets in this process) count the MessageData they receive.
import { spawn } from "node:child_process";
import { once } from "node:events";
import WebSocket from "ws";
import { ensureReferenceVenv } from "./compare/referenceVenv.js";
import { deadline, type BenchResult } from "./harness.js";

const SECONDS = 2;
const SIZES = [64, 1024, 65_536];
const CLIENT_COUNTS = [1, 8];
/** A client is drained when nothing arrived for this long after the server finished. */
const QUIET_MS = 300;

interface ServerKind {
  name: string;
  command: (size: number, clients: number) => [string, string[]];
  subprotocol: string;
}

async function kinds(): Promise<ServerKind[]> {
  const { python, version } = await ensureReferenceVenv();
  const here = (f: string) => new URL(`./websocket/${f}`, import.meta.url).pathname;
  const node = (file: string) => (size: number, clients: number) =>
    [process.execPath, ["--import", "tsx", here(file), `${size}`, `${clients}`, `${SECONDS}`]] as [
      string,
      string[],
    ];
  return [
    { name: "ours", command: node("ourServer.ts"), subprotocol: "foxglove.sdk.v1" },
    {
      name: `reference ${version}`,
      command: (size, clients) => [
        python,
        [here("reference_ws_server.py"), `${size}`, `${clients}`, `${SECONDS}`],
      ],
      subprotocol: "foxglove.sdk.v1",
    },
    {
      name: "ws-protocol FoxgloveServer",
      command: node("wsProtocolServer.ts"),
      subprotocol: "foxglove.websocket.v1",
    },
  ];
}

interface Counts {
  messages: number;
  bytes: number;
  first: number;
  last: number;
}

async function measure(kind: ServerKind, size: number, clients: number) {
  const [cmd, args] = kind.command(size, clients);
  const child = spawn(cmd, args, { stdio: ["pipe", "pipe", "inherit"] });
  let out = "";
  const line = (pattern: RegExp) =>
    new Promise<RegExpExecArray>((resolve, reject) => {
      const check = () => {
        const m = pattern.exec(out);
        if (m !== null) resolve(m);
      };
      child.stdout.on("data", (d: Buffer) => ((out += d.toString()), check()));
      child.once("exit", () => reject(new Error(`${kind.name} exited: ${out}`)));
      check();
    });
  try {
    const port = Number((await deadline(line(/READY (\d+)/), 30_000, "ready"))[1]);
    const counts: Counts = { messages: 0, bytes: 0, first: 0, last: 0 };
    const sockets = await Promise.all(
      Array.from({ length: clients }, async () => {
        const ws = new WebSocket(`ws://127.0.0.1:${port}`, [kind.subprotocol]);
        ws.on("message", (data: Buffer, isBinary: boolean) => {
          if (!isBinary) {
            const msg = JSON.parse(data.toString()) as { op: string; channels?: { id: number }[] };
            if (msg.op === "advertise" && msg.channels?.[0] !== undefined) {
              ws.send(
                JSON.stringify({
                  op: "subscribe",
                  subscriptions: [{ id: 1, channelId: msg.channels[0].id }],
                }),
              );
            }
          } else if (data[0] === 1) {
            const now = performance.now();
            if (counts.messages === 0) counts.first = now;
            counts.last = now;
            counts.messages += 1;
            counts.bytes += data.byteLength - 13;
          }
        });
        await once(ws, "open");
        return ws;
      }),
    );
    const logged = Number((await deadline(line(/DONE (\d+)/), 60_000, "done"))[1]);
    for (let seen = -1; seen !== counts.messages;) {
      seen = counts.messages;
      await new Promise((r) => setTimeout(r, QUIET_MS));
    }
    sockets.forEach((s) => s.terminate());
    const seconds = (counts.last - counts.first) / 1000;
    return {
      msgPerS: counts.messages / seconds,
      mbPerS: counts.bytes / 1e6 / seconds,
      delivered: counts.messages / (logged * clients),
    };
  } finally {
    child.stdin.end();
    if (child.exitCode === null) {
      await deadline(once(child, "exit"), 10_000, "server exit").catch(() => child.kill("SIGKILL"));
    }
  }
}

export default async function websocketBench(): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  const servers = await kinds();
  for (const clients of CLIENT_COUNTS) {
    for (const size of SIZES) {
      for (const kind of servers) {
        const r = await measure(kind, size, clients);
        const label = size >= 1024 ? `${size / 1024} KiB` : `${size} B`;
        process.stderr.write(
          `.. ${label} ${clients} ${kind.name}: ${Math.round(r.msgPerS)} msg/s\n`,
        );
        results.push({
          name: `WS ${label}, ${clients} client${clients > 1 ? "s" : ""}: ${kind.name}`,
          value: r.msgPerS,
          unit: "msg/s",
          detail: `${r.mbPerS.toFixed(1)} MB/s received in total, ${(r.delivered * 100).toFixed(0)}% of logged x clients delivered`,
        });
      }
    }
  }
  return results;
}
