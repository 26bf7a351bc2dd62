// Worker-thread entry of PointCloudWorker: transcodes clouds with its own Draco module.
import { parentPort } from "node:worker_threads";
import { errorOfReply } from "../JobWorker.js";
import { discardDracoEncoder, loadDracoEncoder } from "./dracoModules.js";
import { transcodePointCloud } from "./transcodePointCloud.js";
import type { TranscodeJob, TranscodeReply } from "./PointCloudWorker.js";

const port = parentPort!;
port.on("message", (job: TranscodeJob) => {
  void (async (): Promise<TranscodeReply> => {
    try {
      const draco = await loadDracoEncoder();
      const out = transcodePointCloud(draco, job.format, job.data, job.options);
      // Transferred back: a message in a shared slab (the protobuf writer pools small ones) is
      // copied into a buffer of its own first; a large one already owns its buffer.
      const owns = out.byteOffset === 0 && out.byteLength === out.buffer.byteLength;
      const data = owns ? out : out.slice();
      return { id: job.id, data };
    } catch (error) {
      if (error instanceof Error && error.name === "RuntimeError") {
        discardDracoEncoder(); // the module aborted: the next job gets a fresh one
      }
      return { id: job.id, error: errorOfReply(error) };
    }
  })().then((reply) =>
    port.postMessage(reply, reply.data ? [reply.data.buffer as ArrayBuffer] : []),
  );
});
