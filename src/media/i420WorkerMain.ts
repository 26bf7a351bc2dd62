// Worker-thread entry of I420Worker: converts raw-image messages to I420.
import { parentPort } from "node:worker_threads";
import { FrameArena, viewOf, type WasmMemory } from "./FrameArena.js";
import { transferable, type I420Job, type I420Reply } from "./I420Worker.js";
import { errorOfReply } from "./JobWorker.js";
import { attachArena } from "./simdToI420.js";
import { transcodeImage } from "./transcodeImage.js";

const port = parentPort!;
let arena: WasmMemory | undefined;

/** A view into the arena as a view of this thread's kernel memory (converted in place). */
function local(view: Uint8Array): Uint8Array {
  return arena !== undefined && FrameArena.holds(view) ? viewOf(arena, view) : view;
}

port.on("message", (job: I420Job) => {
  if (job.arena !== undefined && attachArena(job.arena)) {
    arena = job.arena;
  }
  const message = local(job.message);
  const out = job.out && { ...job.out, data: local(job.out.data) };
  void (async (): Promise<I420Reply> => {
    try {
      const result = await transcodeImage(job.schema, message, job.logTimeNs, out);
      return { id: job.id, message, result };
    } catch (error) {
      return { id: job.id, message, error: errorOfReply(error) };
    }
  })().then((reply) => {
    const image = reply.result?.kind === "frame" ? reply.result.image.data : undefined;
    port.postMessage(reply, transferable([reply.message, image]));
  });
});
