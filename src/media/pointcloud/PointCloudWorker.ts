import { JobWorker, replyError, type JobReply } from "../JobWorker.js";
import type { DracoEncodeOptions } from "./encodeDraco.js";
import type { PointCloudInputFormat } from "./pointCloudInputFormat.js";

/** @internal A job for the transcode worker. */
export interface TranscodeJob {
  id: number;
  format: PointCloudInputFormat;
  data: Uint8Array;
  options: DracoEncodeOptions;
}

/** @internal The worker's answer: the compressed message, or why it failed. */
export interface TranscodeReply extends JobReply {
  data?: Uint8Array;
}

/** One encoder thread: a worker with its own Draco module that runs its jobs one by one. */
type EncoderThread = JobWorker<Omit<TranscodeJob, "id">, TranscodeReply>;

/**
 * The process's point-cloud encoder threads: each runs `transcodePointCloud` with its own Draco
 * module, so encoding never blocks the event loop (and the device's logging, networking and
 * viewers). Threads start on demand (a job goes to an idle thread, else to a new one while fewer
 * than the job's `threads` exist, else to the least busy one) and do not keep the process alive
 * (see {@link JobWorker}); a thread that dies is replaced by the next job.
 */
export class PointCloudWorker {
  static #shared: PointCloudWorker | undefined;
  readonly #threads: EncoderThread[] = [];

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
  async transcode(
    format: PointCloudInputFormat,
    data: Uint8Array,
    options: DracoEncodeOptions,
    threads = 1,
  ): Promise<Uint8Array> {
    const reply = await this.#pick(threads).run({ format, data, options }, [
      data.buffer as ArrayBuffer,
    ]);
    if (reply.data === undefined) {
      throw replyError(reply);
    }
    return reply.data;
  }

  #pick(threads: number): EncoderThread {
    let best: EncoderThread | undefined;
    for (const t of this.#threads) {
      if (best === undefined || t.load < best.load) best = t;
    }
    if (best === undefined || (best.load > 0 && this.#threads.length < threads)) {
      const thread: EncoderThread = new JobWorker(
        "point-cloud",
        import.meta.url,
        "transcodeWorker",
        () => {
          const i = this.#threads.indexOf(thread);
          if (i >= 0) this.#threads.splice(i, 1);
        },
      );
      this.#threads.push(thread);
      best = thread;
    }
    return best;
  }
}
