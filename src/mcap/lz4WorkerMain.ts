// Worker-thread entry of the lz4 chunk compressor (chunkCompression.ts): the LZ4 frame of a
// chunk's records, whose buffer was moved here; the buffer and the frame's parts move back.
import { parentPort } from "node:worker_threads";
import { compress } from "lz4-wasm-nodejs";
import { errorOfReply } from "../media/JobWorker.js";
import { lz4Frame, type Lz4Job, type Lz4Reply } from "./chunkCompression.js";

const port = parentPort!;
port.on("message", (job: Lz4Job) => {
  let reply: Lz4Reply;
  try {
    const parts = lz4Frame(job.buffer.subarray(job.offset), compress);
    reply = { id: job.id, buffer: job.buffer, parts };
  } catch (error) {
    reply = { id: job.id, buffer: job.buffer, error: errorOfReply(error) };
  }
  const transfer = new Set<ArrayBuffer>([job.buffer.buffer as ArrayBuffer]);
  for (const part of reply.parts ?? []) {
    transfer.add(part.buffer as ArrayBuffer);
  }
  port.postMessage(reply, [...transfer]);
});
