import assert from "node:assert/strict";
import { test } from "node:test";
import { FoxgloveError } from "../core/FoxgloveError.js";
import { toViewerChannel } from "./ViewerChannel.js";
import { VideoFrameSubscription, type ViewerVideoFrame } from "./VideoFrameSubscription.js";

const channel = toViewerChannel({
  id: 3,
  topic: "/camera",
  encoding: "protobuf",
  schemaName: "foxglove.RawImage",
  schema: "",
  metadata: { "foxglove.hasVideoTrack": "true" },
});
const frame = (n: number): ViewerVideoFrame => ({
  channel,
  width: 2,
  height: 2,
  timestampUs: BigInt(n),
  format: "i420",
  data: new Uint8Array(6),
});

test("frames queue up to queueSize, the oldest dropped; unsubscribe releases once", async () => {
  let released = 0;
  const sub = new VideoFrameSubscription(channel, { video: true, queueSize: 2 }, () => released++);
  for (const n of [1, 2, 3]) sub.deliver(frame(n));
  assert.equal(sub.received, 3);
  assert.equal(sub.dropped, 1);
  const it = sub[Symbol.asyncIterator]();
  assert.equal((await it.next()).value?.timestampUs, 2n);
  sub.unsubscribe();
  sub.unsubscribe();
  assert.equal(released, 1);
  assert.equal((await it.next()).done, true);
  sub.deliver(frame(4));
  assert.equal(sub.received, 3, "nothing is taken after unsubscribe");
});

test("ending with an error lets buffered frames be read, then iteration throws it", async () => {
  let released = 0;
  const sub = new VideoFrameSubscription(channel, { video: true }, () => released++);
  sub.deliver(frame(1));
  sub.end(new FoxgloveError("ERR_TIMEOUT", "no track"));
  const it = sub[Symbol.asyncIterator]();
  assert.equal((await it.next()).value?.timestampUs, 1n);
  await assert.rejects(it.next(), { code: "ERR_TIMEOUT" });
  assert.equal(sub.active, false);
  assert.equal(released, 0, "the viewer ended it: nothing to release");
});

test("bad options are ERR_VALUE", () => {
  assert.throws(
    () => new VideoFrameSubscription(channel, { video: true, queueSize: 0 }, () => {}),
    {
      code: "ERR_VALUE",
    },
  );
  assert.throws(
    () =>
      new VideoFrameSubscription(
        channel,
        { video: true, format: "bgr" as unknown as "rgba" },
        () => {},
      ),
    { code: "ERR_VALUE" },
  );
});
