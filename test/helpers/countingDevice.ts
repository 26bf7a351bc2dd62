import { RawChannel } from "../../src/core/RawChannel.js";
import { startDeviceStack, type DeviceStack } from "./deviceStack.js";
import type { TestLiveKitServer } from "./livekitServer.js";

/**
 * The device the CLI tests look at: a device stack with a Reliable `/status` channel counting
 * `{"n": 0, 1, 2 …}` every 20 ms and a Lossy `/camera` channel (protobuf schema) that is silent.
 * `close` stops the counter and the stack.
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
  let n = 0;
  const timer = setInterval(
    () => status.log(new TextEncoder().encode(JSON.stringify({ n: n++ }))),
    20,
  );
  const close = async () => {
    clearInterval(timer);
    await stack.close();
  };
  return Object.assign(Object.create(stack) as DeviceStack, {
    close,
    [Symbol.asyncDispose]: close,
  });
}
