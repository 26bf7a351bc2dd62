// Bench server: @foxglove/ws-protocol's (deprecated) FoxgloveServer on `ws`, same protocol as
// ourServer.ts. Usage: wsProtocolServer.ts <payload bytes> <clients> <seconds>
import wsProtocol from "@foxglove/ws-protocol";
import { WebSocketServer } from "ws";
import { produce, waitForStdinEnd } from "./producer.js";

const { FoxgloveServer } = wsProtocol;
const [size, clients, seconds] = process.argv.slice(2).map(Number) as [number, number, number];
const server = new FoxgloveServer({ name: "bench" });
const channelId = server.addChannel({
  topic: "/bench",
  encoding: "raw",
  schemaName: "",
  schema: "",
});
let subscribed = 0;
let go!: () => void;
const allSubscribed = new Promise<void>((resolve) => (go = resolve));
const wss = new WebSocketServer({
  host: "127.0.0.1",
  port: 0,
  handleProtocols: (protocols) => server.handleProtocols(protocols),
});
wss.on("connection", (conn, req) => {
  // FoxgloveServer only reports a channel's first subscriber: count the clients' requests.
  conn.on("message", (data, isBinary) => {
    if (
      !isBinary &&
      (data as Buffer).toString().includes('"op":"subscribe"') &&
      ++subscribed === clients
    )
      go();
  });
  server.handleConnection(conn, `${req.socket.remotePort}`);
});
await new Promise((resolve) => wss.once("listening", resolve));
process.stdout.write(`READY ${(wss.address() as { port: number }).port}\n`);
await allSubscribed;
const payload = new Uint8Array(size);
let t = 0n;
const logged = await produce(seconds, () => server.sendMessage(channelId, t++, payload));
process.stdout.write(`DONE ${logged}\n`);
await waitForStdinEnd();
wss.close();
