// Worker-thread entry of I420Worker: converts raw-image messages to I420.
import { parentPort } from "node:worker_threads";
import { fromPosted, toPosted, type WasmMemory } from "./FrameArena.js";
import {
  fromPostedImage,
  toPostedImage,
  transferable,
  type I420Job,
  type I420Reply,
} from "./I420Worker.js";
import { errorOfReply } from "./JobWorker.js";
import { attachArena, simdAvailable } from "./simdToI420.js";
import { transcodeImage } from "./transcodeImage.js";

const port = parentPort!;
/** The arena, as this thread sees it: spans become views of its buffer (converted in place). */
let arena: WasmMemory | undefined;

port.on("message", (job: I420Job) => {
  if (job.arena !== undefined) {
    arena = job.arena;
    attachArena(arena); // false without WebAssembly SIMD: the JS kernels work there as well
  }
  if (job.warm === true) {
    simdAvailable(); // compiles the kernels
    port.postMessage({ id: job.id, message: job.message } satisfies I420Reply);
    return;
  }
  void (async (): Promise<I420Reply> => {
    const message = fromPosted(arena, job.message);
    try {
      const out = job.out && fromPostedImage(arena, job.out);
      const result = await transcodeImage(job.schema, message, job.logTimeNs, out);
      return {
        id: job.id,
        message: toPosted(message),
        result:
          result.kind === "frame" ? { ...result, image: toPostedImage(result.image) } : result,
      };
    } catch (error) {
      return { id: job.id, message: toPosted(message), error: errorOfReply(error) };
    }
  })().then((reply) => {
    const image = reply.result?.kind === "frame" ? reply.result.image.data : undefined;
    const views = [reply.message, image].filter((v) => v instanceof Uint8Array);
    port.postMessage(reply, transferable(views));
  });
});
