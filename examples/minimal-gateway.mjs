// A minimal device program: logs a counter on a JSON channel and lets viewers see it live through
// Foxglove remote access. Stops after [seconds] if given, or on Ctrl-C; then the process ends by
// itself (nothing else to call).
//
//   FOXGLOVE_API_URL=http://127.0.0.1:8780 FOXGLOVE_DEVICE_TOKEN=fox_dt_testtoken \
//     node examples/minimal-gateway.mjs [seconds]
import { Channel, jsonEncoder } from "foxglove-remote";
import { startGateway } from "foxglove-remote/gateway";

const counter = new Channel("/counter", {
  encoder: jsonEncoder({
    title: "Counter",
    type: "object",
    properties: { n: { type: "integer" } },
  }),
});
// Device token and API URL come from FOXGLOVE_DEVICE_TOKEN and FOXGLOVE_API_URL.
const gateway = startGateway({
  name: "minimal-gateway",
  listener: { onConnectionStatusChanged: (status) => console.log(`gateway ${status}`) },
});

let n = 0;
const timer = setInterval(() => counter.log({ n: n++ }), 100);

async function stop() {
  clearInterval(timer);
  await gateway.stop();
}
process.once("SIGINT", stop);
process.once("SIGTERM", stop);
const seconds = Number(process.argv[2]);
if (seconds > 0) {
  setTimeout(stop, seconds * 1000);
}
