// Bench server: our startServer. Usage: ourServer.ts <payload bytes> <clients> <seconds>
// Prints "READY <port>", waits for <clients> subscriptions, logs as fast as it can for <seconds>,
// prints "DONE <logged>", and exits when stdin closes.
import { Context } from "../../src/core/Context.js";
import { RawChannel } from "../../src/core/RawChannel.js";
import { startServer } from "../../src/websocket/index.js";
import { produce, waitForStdinEnd } from "./producer.js";

const [size, clients, seconds] = process.argv.slice(2).map(Number) as [number, number, number];
const context = new Context();
const channel = new RawChannel("/bench", { context, messageEncoding: "raw" });
let subscribed = 0;
let go!: () => void;
const allSubscribed = new Promise<void>((resolve) => (go = resolve));
const server = await startServer({
  context,
  port: 0,
  listener: { onSubscribe: () => ++subscribed === clients && go() },
});
process.stdout.write(`READY ${server.port}\n`);
await allSubscribed;
const payload = new Uint8Array(size);
const logged = await produce(seconds, () => channel.log(payload));
process.stdout.write(`DONE ${logged}\n`);
await waitForStdinEnd();
await server.stop();
