import { FrameArena, type WasmMemory } from "./FrameArena.js";
import type { I420Image } from "./I420Image.js";
import { JobWorker, replyError, type JobReply } from "./JobWorker.js";
import type { TranscodeResult } from "./transcodeImage.js";
import type { VideoInputSchema } from "./videoInputSchema.js";

/** @internal A job for the conversion worker. */
export interface I420Job {
  id: number;
  schema: VideoInputSchema;
  message: Uint8Array;
  logTimeNs: bigint;
  out: I420Image | undefined;
  /** The arena's memory, sent with a worker's first job (see {@link I420Worker}). */
  arena?: WasmMemory;
}

/** @internal The worker's answer: the result, or why it failed; the message comes back either way. */
export interface I420Reply extends JobReply {
  message: Uint8Array;
  result?: TranscodeResult;
}

/** What {@link I420Worker.transcode} resolves with. */
export interface I420Transcoded {
  readonly result: TranscodeResult;
  /** The message, back from the worker (same offset and length, in its own buffer again). */
  readonly message: Uint8Array;
}

/**
 * One worker thread per process that runs `transcodeImage` for raw images, so a conversion (0.7 ms
 * for 1280x720 rgb8, 1.6 ms for 1920x1080) never holds up the event loop and the device's
 * `log()` calls. A message and output picture in the {@link FrameArena} are shared with the
 * thread (converted in place); others are transferred there and back, not copied. The thread
 * starts on first use and does not keep the process alive (see {@link JobWorker}).
 */
export class I420Worker {
  static #shared: I420Worker | undefined;
  readonly #jobs: JobWorker<Omit<I420Job, "id">, I420Reply>;
  /** The arena memory was sent to this thread. */
  #arenaSent = false;

  /** The process-wide worker. */
  static shared(): I420Worker {
    return (I420Worker.#shared ??= new I420Worker());
  }

  private constructor() {
    this.#jobs = new JobWorker("video", import.meta.url, "i420WorkerMain", () => {
      if (I420Worker.#shared === this) I420Worker.#shared = undefined;
    });
  }

  /**
   * Converts one raw-image message in the worker. `message` and `out` in the arena are shared
   * (neither side may touch them until the answer); otherwise their buffers are transferred
   * (unusable here until the answer). `out` is reused for a frame of its size. Rejects as
   * `transcodeImage` does, or when the worker dies.
   */
  async transcode(
    schema: VideoInputSchema,
    message: Uint8Array,
    logTimeNs: bigint,
    out: I420Image | undefined,
  ): Promise<I420Transcoded> {
    const transfer = transferable([message, out?.data]);
    const job: Omit<I420Job, "id"> = { schema, message, logTimeNs, out };
    if (!this.#arenaSent && (FrameArena.holds(message) || (out && FrameArena.holds(out.data)))) {
      job.arena = FrameArena.shared()?.memory;
      this.#arenaSent = true;
    }
    const reply = await this.#jobs.run(job, transfer);
    if (reply.result === undefined) {
      throw replyError(reply);
    }
    return { result: reply.result, message: reply.message };
  }
}

/** The distinct buffers of `views` that can be transferred (a SharedArrayBuffer is shared). */
export function transferable(views: readonly (Uint8Array | undefined)[]): ArrayBuffer[] {
  const out: ArrayBuffer[] = [];
  for (const view of views) {
    const buffer = view?.buffer;
    if (buffer instanceof ArrayBuffer && !out.includes(buffer)) {
      out.push(buffer);
    }
  }
  return out;
}
