import { Worker } from "node:worker_threads";
import { FoxgloveError } from "../../core/FoxgloveError.js";
import { log } from "../../core/logger.js";
import type { DracoEncodeOptions } from "./encodeDraco.js";
import type { PointCloudInputFormat } from "./transcodePointCloud.js";

/** @internal A job for the transcode worker. */
export interface TranscodeJob {
  id: number;
  format: PointCloudInputFormat;
  data: Uint8Array;
  options: DracoEncodeOptions;
}

/** @internal The worker's answer: the compressed message, or why it failed. */
export interface TranscodeReply {
  id: number;
  data?: Uint8Array;
  /** A FoxgloveError's code and text; absent for an unexpected failure ("internal error"). */
  error?: { code: string; message: string } | undefined;
}

type Pending = { resolve: (data: Uint8Array) => void; reject: (error: unknown) => void };

/**
 * One worker thread per process that runs `transcodePointCloud` with its own Draco module, so
 * encoding never blocks the event loop (and the device's logging, networking and viewers). The
 * thread starts on first use and does not keep the process alive. Under `tsx` (tests, the demo
 * from source) the worker registers tsx itself; the built package runs the compiled file.
 */
export class PointCloudWorker {
  static #shared: PointCloudWorker | undefined;
  readonly #worker: Worker;
  readonly #pending = new Map<number, Pending>();
  #next = 1;

  /** The process-wide worker. */
  static shared(): PointCloudWorker {
    return (PointCloudWorker.#shared ??= new PointCloudWorker());
  }

  private constructor() {
    const source = import.meta.url.endsWith(".ts");
    const entry = new URL(
      source ? "./transcodeWorker.ts" : "./transcodeWorker.js",
      import.meta.url,
    );
    this.#worker = source
      ? new Worker(
          `import("tsx/esm/api").then((m) => { m.register(); return import(${JSON.stringify(entry.href)}); });`,
          { eval: true },
        )
      : new Worker(entry);
    this.#worker.on("message", (reply: TranscodeReply) => {
      const pending = this.#pending.get(reply.id);
      this.#pending.delete(reply.id);
      if (this.#pending.size === 0) this.#worker.unref();
      if (pending === undefined) return;
      if (reply.data !== undefined) {
        pending.resolve(reply.data);
      } else {
        pending.reject(
          reply.error === undefined
            ? new Error("internal error")
            : new FoxgloveError(reply.error.code as "ERR_VALUE", reply.error.message),
        );
      }
    });
    this.#worker.on("error", (error) => this.#fail(error));
    this.#worker.on("exit", (code) => this.#fail(new Error(`point-cloud worker exited (${code})`)));
    this.#worker.unref(); // referenced only while a job is pending (see transcode)
  }

  /**
   * Transcodes one message in the worker (`data` is transferred: the caller must not use it
   * afterwards). Rejects with the FoxgloveError of a cloud that cannot be compressed.
   */
  transcode(
    format: PointCloudInputFormat,
    data: Uint8Array,
    options: DracoEncodeOptions,
  ): Promise<Uint8Array> {
    const id = this.#next++;
    return new Promise((resolve, reject) => {
      if (this.#pending.size === 0) this.#worker.ref(); // keep the process alive for the answer
      this.#pending.set(id, { resolve, reject });
      const job: TranscodeJob = { id, format, data, options };
      this.#worker.postMessage(job, [data.buffer as ArrayBuffer]);
    });
  }

  #fail(error: Error): void {
    log.error("point-cloud worker failed", error);
    if (PointCloudWorker.#shared === this) PointCloudWorker.#shared = undefined;
    for (const p of this.#pending.values()) p.reject(error);
    this.#pending.clear();
  }
}
