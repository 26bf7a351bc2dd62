// Logs two kinds of channels from a device: a JSON channel created on first use with `log()`, and
// a well-known Foxglove message (foxglove.LocationFix) encoded as protobuf. Viewers see both
// through the gateway. Stops after [seconds] if given, or on Ctrl-C.
//
//   FOXGLOVE_API_URL=http://127.0.0.1:8780 FOXGLOVE_DEVICE_TOKEN=fox_dt_testtoken \
//     node examples/log-json-and-protobuf.mjs [seconds]
import { Channel, log, nowNanos } from "foxglove-remote";
import { startGateway } from "foxglove-remote/gateway";
import { LocationFix } from "foxglove-remote/messages";

const gps = new Channel("/gps", { encoder: LocationFix }); // protobuf, schema foxglove.LocationFix
const gateway = startGateway({
  name: "logging-example",
  listener: { onConnectionStatusChanged: (status) => console.log(`gateway ${status}`) },
});

let tick = 0;
const timer = setInterval(() => {
  tick += 1;
  log("/events", { kind: "tick", tick }); // JSON, schemaless
  const ns = nowNanos();
  gps.log({
    timestamp: { sec: Number(ns / 1_000_000_000n), nsec: Number(ns % 1_000_000_000n) },
    frame_id: "gps",
    latitude: 48.137 + tick * 1e-6,
    longitude: 11.575,
    altitude: 520,
    position_covariance: [1, 0, 0, 0, 1, 0, 0, 0, 4],
    position_covariance_type: 2,
  });
}, 100);

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
