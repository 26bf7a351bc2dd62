// Child process of bench/e2e.bench.ts: a viewer that the bench stops (SIGSTOP) so that it really
// stops reading. Arguments: API server URL, JSON of the ICE servers. Prints "ready" once messages
// of both channels arrive, then keeps consuming until killed.
import { connectViewer } from "../src/viewer/index.js";

const [apiUrl = "", ice = "[]"] = process.argv.slice(2);
const viewer = await connectViewer({
  apiUrl,
  device: "test-device",
  identity: "stopped-viewer",
  iceServers: JSON.parse(ice) as [],
});
const seen = new Set<string>();
for (const topic of ["/rel/1024", "/lossy/1024"]) {
  viewer.subscribe(topic, {
    onMessage: () => {
      if (!seen.has(topic)) {
        seen.add(topic);
        if (seen.size === 2) process.stdout.write("ready\n");
      }
    },
  });
}
process.on("SIGTERM", () => {
  void viewer.close().finally(() => process.exit(0));
});
