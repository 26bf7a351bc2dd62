// A viewer script: connects to a device through the device API server, prints [count] messages
// of [topic], and ends (Ctrl-C ends it earlier). No shutdown call is needed: closing the viewer
// is enough for the process to exit.
//
//   FOXGLOVE_API_URL=http://127.0.0.1:8780 node examples/viewer.mjs [topic] [count]
import { connectViewer } from "foxglove-remote/viewer";

const [topic = "/counter", count = "5"] = process.argv.slice(2);
const interrupt = new AbortController();
process.once("SIGINT", () => interrupt.abort());
const { signal } = interrupt;

const viewer = await connectViewer({
  apiUrl: process.env.FOXGLOVE_API_URL ?? "http://127.0.0.1:8780",
  device: process.env.FOXGLOVE_DEVICE ?? "dev_testdevice",
  signal,
});
// `await using viewer = ...` does the same as try/finally where the runtime supports it
// (TypeScript, or Node versions with explicit resource management); plain Node 20 does not.
try {
  const channel = await viewer.waitForChannel(topic, { timeoutMs: 10_000, signal });
  console.log(`${channel.topic}: ${channel.messageEncoding} ${channel.schemaName}`);
  let received = 0;
  for await (const message of viewer.subscribe(topic, { signal })) {
    const text =
      message.channel.messageEncoding === "json"
        ? new TextDecoder().decode(message.data)
        : `${message.data.byteLength} bytes`;
    console.log(`${message.logTime} ${text}`);
    if (++received >= Number(count)) {
      break;
    }
  }
} catch (error) {
  if (!signal.aborted) {
    throw error;
  }
} finally {
  await viewer.close();
}
