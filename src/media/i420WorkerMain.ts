// Worker-thread entry of I420Worker: converts raw-image messages to I420.
import { parentPort } from "node:worker_threads";
import type { I420Job, I420Reply } from "./I420Worker.js";
import { errorOfReply } from "./JobWorker.js";
import { transcodeImage } from "./transcodeImage.js";

const port = parentPort!;
port.on("message", (job: I420Job) => {
  void (async (): Promise<I420Reply> => {
    try {
      const result = await transcodeImage(job.schema, job.message, job.logTimeNs, job.out);
      return { id: job.id, message: job.message, result };
    } catch (error) {
      return { id: job.id, message: job.message, error: errorOfReply(error) };
    }
  })().then((reply) => {
    const transfer = [reply.message.buffer as ArrayBuffer];
    const image = reply.result?.kind === "frame" ? reply.result.image.data.buffer : undefined;
    if (image !== undefined && image !== reply.message.buffer) {
      transfer.push(image as ArrayBuffer);
    }
    port.postMessage(reply, transfer);
  });
});
