import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { RawChannel } from "../../src/core/RawChannel.js";
import { startDeviceStack } from "../helpers/deviceStack.js";
import { startLiveKitServer, type TestLiveKitServer } from "../helpers/livekitServer.js";

let livekit: TestLiveKitServer;
before(async () => {
  livekit = await startLiveKitServer("viewer-smoke");
});
after(async () => {
  await livekit?.stop();
});

test("smoke", async () => {
  await using stack = await startDeviceStack(livekit, {
    qosClassifier: (ch) => ({ reliability: ch.topic === "/rel" ? "reliable" : "lossy" }),
  });
  const rel = new RawChannel("/rel", { context: stack.context, messageEncoding: "json" });
  const lossy = new RawChannel("/lossy", { context: stack.context, messageEncoding: "json" });
  const t0 = Date.now();
  const viewer = await stack.connect({ listener: { error: (e) => console.log("ERR", e) } });
  console.log(
    "connected in",
    Date.now() - t0,
    viewer.serverInfo,
    viewer.channels.map((c) => c.topic),
  );
  const subRel = viewer.subscribe("/rel");
  const subLossy = viewer.subscribe("/lossy");
  const timer = setInterval(() => {
    rel.log(new TextEncoder().encode('{"a":1}'));
    lossy.log(new TextEncoder().encode('{"b":2}'));
  }, 20);
  try {
    const r = await subRel[Symbol.asyncIterator]().next();
    console.log("rel", r.value?.source, r.value?.logTime);
    const l = await subLossy[Symbol.asyncIterator]().next();
    console.log("lossy", l.value?.source, l.value?.logTime, l.value?.sequence);
    console.log("rtt", await viewer.ping());
  } finally {
    clearInterval(timer);
  }
  assert.ok(true);
});
