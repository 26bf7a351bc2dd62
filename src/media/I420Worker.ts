import { Worker } from "node:worker_threads";
import { FoxgloveError } from "../core/FoxgloveError.js";
import { log } from "../core/logger.js";
import type { I420Image } from "./I420Image.js";
import type { TranscodeResult } from "./transcodeImage.js";
import type { VideoInputSchema } from "./videoInputSchema.js";

/** @internal A job for the conversion worker. */
export interface I420Job {
  id: number;
  schema: VideoInputSchema;
  message: Uint8Array;
  logTimeNs: bigint;
  out: I420Image | undefined;
}

/** @internal The worker's answer: the result, or why it failed; the message comes back either way. */
export interface I420Reply {
  id: number;
  message: Uint8Array;
  result?: TranscodeResult;
  /** A FoxgloveError's code and text; absent for an unexpected failure ("internal error"). */
  error?: { code: string; message: string } | undefined;
}

/** What {@link I420Worker.transcode} resolves with. */
export interface I420Transcoded {
  readonly result: TranscodeResult;
  /** The message, back from the worker (same offset and length, in its own buffer again). */
  readonly message: Uint8Array;
}

type Pending = {
  resolve: (reply: I420Transcoded) => void;
  reject: (error: unknown) => void;
};

/**
 * One worker thread per process that runs `transcodeImage` for raw images, so a conversion (2 ms
 * for 1280x720 rgb8, 4.5 ms for 1920x1080) never holds up the event loop and the device's
 * `log()` calls. The message and the output buffer are transferred there and back, not copied.
 * The thread starts on first use and does not keep the process alive. Under `tsx` (tests, the
 * demo from source) the worker registers tsx itself; the built package runs the compiled file.
 */
export class I420Worker {
  static #shared: I420Worker | undefined;
  readonly #worker: Worker;
  readonly #pending = new Map<number, Pending>();
  #next = 1;

  /** The process-wide worker. */
  static shared(): I420Worker {
    return (I420Worker.#shared ??= new I420Worker());
  }

  private constructor() {
    const source = import.meta.url.endsWith(".ts");
    const entry = new URL(source ? "./i420WorkerMain.ts" : "./i420WorkerMain.js", import.meta.url);
    this.#worker = source
      ? new Worker(
          `import("tsx/esm/api").then((m) => { m.register(); return import(${JSON.stringify(entry.href)}); });`,
          { eval: true },
        )
      : new Worker(entry);
    this.#worker.on("message", (reply: I420Reply) => {
      const pending = this.#pending.get(reply.id);
      this.#pending.delete(reply.id);
      if (this.#pending.size === 0) this.#worker.unref();
      if (pending === undefined) return;
      if (reply.result !== undefined) {
        pending.resolve({ result: reply.result, message: reply.message });
      } else {
        pending.reject(
          reply.error === undefined
            ? new Error("internal error")
            : new FoxgloveError(reply.error.code as "ERR_VALUE", reply.error.message),
        );
      }
    });
    this.#worker.on("error", (error) => this.#fail(error));
    this.#worker.on("exit", (code) => this.#fail(new Error(`video worker exited (${code})`)));
    this.#worker.unref(); // referenced only while a job is pending (see transcode)
  }

  /**
   * Converts one raw-image message in the worker. `message`'s buffer and `out`'s are transferred
   * (unusable here until the answer); `out` is reused for a frame of its size. Rejects as
   * `transcodeImage` does, or when the worker dies.
   */
  transcode(
    schema: VideoInputSchema,
    message: Uint8Array,
    logTimeNs: bigint,
    out: I420Image | undefined,
  ): Promise<I420Transcoded> {
    const id = this.#next++;
    return new Promise((resolve, reject) => {
      if (this.#pending.size === 0) this.#worker.ref(); // keep the process alive for the answer
      this.#pending.set(id, { resolve, reject });
      const job: I420Job = { id, schema, message, logTimeNs, out };
      const transfer = [message.buffer as ArrayBuffer];
      if (out !== undefined && out.data.buffer !== message.buffer) {
        transfer.push(out.data.buffer as ArrayBuffer);
      }
      this.#worker.postMessage(job, transfer);
    });
  }

  #fail(error: Error): void {
    log.error("video worker failed", error);
    if (I420Worker.#shared === this) I420Worker.#shared = undefined;
    for (const p of this.#pending.values()) p.reject(error);
    this.#pending.clear();
  }
}
