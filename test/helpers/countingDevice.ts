import { Channel } from "../../src/core/Channel.js";
import { RawChannel } from "../../src/core/RawChannel.js";
import { RawImage } from "../../src/messages/index.js";
import { startDeviceStack, type DeviceStack } from "./deviceStack.js";
import type { TestLiveKitServer } from "./livekitServer.js";

/**
 * The device the CLI tests look at: a device stack with a Reliable `/status` channel counting
 * `{"n": 0, 1, 2 …}` every 20 ms, a Lossy `/camera` channel (protobuf schema) that is silent, and
 * a Lossy `/camera/raw` RawImage of 230 400 bytes every 200 ms: over the 100 KiB data-track
 * limit, so always dropped (with a warning). `close` stops the timer and the stack.
 */
export async function startCountingDevice(livekit: TestLiveKitServer): Promise<DeviceStack> {
  const stack = await startDeviceStack(livekit, {
    qosClassifier: (ch) => ({ reliability: ch.topic === "/status" ? "reliable" : "lossy" }),
  });
  const status = new RawChannel("/status", { context: stack.context, messageEncoding: "json" });
  new RawChannel("/camera", {
    context: stack.context,
    messageEncoding: "protobuf",
    schema: { name: "foxglove.CompressedImage", encoding: "protobuf", data: new Uint8Array([1]) },
  });
  const image = new Channel<RawImage>("/camera/raw", { context: stack.context, encoder: RawImage });
  const pixels = new Uint8Array(320 * 240 * 3);
  let n = 0;
  const timer = setInterval(() => {
    status.log(new TextEncoder().encode(JSON.stringify({ n: n++ })));
    if (n % 10 === 0) {
      image.log({
        timestamp: { sec: 0, nsec: 0 },
        frame_id: "camera",
        width: 320,
        height: 240,
        encoding: "rgb8",
        step: 960,
        data: pixels,
      });
    }
  }, 20);
  const close = async () => {
    clearInterval(timer);
    await stack.close();
  };
  return Object.assign(Object.create(stack) as DeviceStack, {
    close,
    [Symbol.asyncDispose]: close,
  });
}
