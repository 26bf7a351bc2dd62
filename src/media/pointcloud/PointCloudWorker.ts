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

/** One worker thread with its own Draco module; its jobs run one after another. */
class EncoderThread {
  readonly #worker: Worker;
  readonly #pending = new Map<number, Pending>();
  readonly #onExit: (thread: EncoderThread) => void;

  constructor(onExit: (thread: EncoderThread) => void) {
    this.#onExit = onExit;
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
    this.#worker.unref(); // referenced only while a job is pending (see run)
  }

  /** Jobs sent and not answered yet. */
  get load(): number {
    return this.#pending.size;
  }

  run(job: TranscodeJob, resolve: Pending["resolve"], reject: Pending["reject"]): void {
    if (this.#pending.size === 0) this.#worker.ref(); // keep the process alive for the answer
    this.#pending.set(job.id, { resolve, reject });
    this.#worker.postMessage(job, [job.data.buffer as ArrayBuffer]);
  }

  #fail(error: Error): void {
    log.error("point-cloud worker failed", error);
    this.#onExit(this);
    for (const p of this.#pending.values()) p.reject(error);
    this.#pending.clear();
  }
}

/**
 * The process's point-cloud encoder threads: each runs `transcodePointCloud` with its own Draco
 * module, so encoding never blocks the event loop (and the device's logging, networking and
 * viewers). Threads start on demand (a job goes to an idle thread, else to a new one while fewer
 * than the job's `threads` exist, else to the least busy one) and do not keep the process alive.
 * Under `tsx` (tests, the demo from source) a thread registers tsx itself; the built package runs
 * the compiled file.
 */
export class PointCloudWorker {
  static #shared: PointCloudWorker | undefined;
  readonly #threads: EncoderThread[] = [];
  #next = 1;

  /** The process-wide pool. */
  static shared(): PointCloudWorker {
    return (PointCloudWorker.#shared ??= new PointCloudWorker());
  }

  private constructor() {}

  /** Threads started (and not failed) so far. */
  get threads(): number {
    return this.#threads.length;
  }

  /**
   * Transcodes one message in a worker thread (`data` is transferred: the caller must not use it
   * afterwards), starting up to `threads` threads (default 1) to run jobs side by side. Rejects
   * with the FoxgloveError of a cloud that cannot be compressed.
   */
  transcode(
    format: PointCloudInputFormat,
    data: Uint8Array,
    options: DracoEncodeOptions,
    threads = 1,
  ): Promise<Uint8Array> {
    const job: TranscodeJob = { id: this.#next++, format, data, options };
    return new Promise((resolve, reject) => this.#pick(threads).run(job, resolve, reject));
  }

  #pick(threads: number): EncoderThread {
    let best: EncoderThread | undefined;
    for (const t of this.#threads) {
      if (best === undefined || t.load < best.load) best = t;
    }
    if (best === undefined || (best.load > 0 && this.#threads.length < threads)) {
      best = new EncoderThread((failed) => {
        const i = this.#threads.indexOf(failed);
        if (i >= 0) this.#threads.splice(i, 1);
      });
      this.#threads.push(best);
    }
    return best;
  }
}
