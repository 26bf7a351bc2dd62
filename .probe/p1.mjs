import { createRequire } from "node:module";
const require = createRequire("/work/wt/livekit/package.json");
const path = require("node:path");
const rtcDir = path.dirname(require.resolve("@livekit/rtc-node"));
require(path.join(rtcDir, "log.cjs")).log.level = "warn";
const rtc = await import("@livekit/rtc-node");
console.log("before", process.getActiveResourcesInfo());
const vs = new rtc.VideoSource(16, 16);
console.log("after ffi touch", process.getActiveResourcesInfo());
await vs.close();
const t0 = Date.now();
await rtc.dispose();
console.log("disposed in", Date.now() - t0, "ms", process.getActiveResourcesInfo());
// try re-init
delete globalThis._ffiClientInstance;
const room = new rtc.Room();
const t1 = Date.now();
try {
  await room.connect("ws://127.0.0.1:1", "x", { autoSubscribe: false, dynacast: false });
} catch (e) { console.log("connect after reinit failed as expected quickly:", Date.now() - t1, "ms", String(e).slice(0, 80)); }
await rtc.dispose();
console.log("second dispose done");
