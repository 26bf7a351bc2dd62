import { JobWorker, replyError, type JobReply } from "../JobWorker.js";
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
export interface TranscodeReply extends JobReply {
  data?: Uint8Array;
}

/**
 * One worker thread per process that runs `transcodePointCloud` with its own Draco module, so
 * encoding never blocks the event loop (and the device's logging, networking and viewers). The
 * thread starts on first use and does not keep the process alive (see {@link JobWorker}).
 */
export class PointCloudWorker {
  static #shared: PointCloudWorker | undefined;
  readonly #jobs: JobWorker<Omit<TranscodeJob, "id">, TranscodeReply>;

  /** The process-wide worker. */
  static shared(): PointCloudWorker {
    return (PointCloudWorker.#shared ??= new PointCloudWorker());
  }

  private constructor() {
    this.#jobs = new JobWorker("point-cloud", import.meta.url, "transcodeWorker", () => {
      if (PointCloudWorker.#shared === this) PointCloudWorker.#shared = undefined;
    });
  }

  /**
   * Transcodes one message in the worker (`data` is transferred: the caller must not use it
   * afterwards). Rejects with the FoxgloveError of a cloud that cannot be compressed.
   */
  async transcode(
    format: PointCloudInputFormat,
    data: Uint8Array,
    options: DracoEncodeOptions,
  ): Promise<Uint8Array> {
    const reply = await this.#jobs.run({ format, data, options }, [data.buffer as ArrayBuffer]);
    if (reply.data === undefined) {
      throw replyError(reply);
    }
    return reply.data;
  }
}
