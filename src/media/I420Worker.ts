import {
  FrameArena,
  fromPosted,
  toPosted,
  type PostedBytes,
  type WasmMemory,
} from "./FrameArena.js";
import type { I420Image } from "./I420Image.js";
import { JobWorker, replyError, type JobReply } from "./JobWorker.js";
import type { TranscodeResult } from "./transcodeImage.js";
import type { VideoInputSchema } from "./videoInputSchema.js";

/** @internal An I420 picture as posted between the threads. */
export interface PostedImage {
  width: number;
  height: number;
  data: PostedBytes;
}

/** @internal A {@link TranscodeResult} as posted back by the worker. */
export type PostedResult =
  | Exclude<TranscodeResult, { kind: "frame" }>
  | (Omit<Extract<TranscodeResult, { kind: "frame" }>, "image"> & { image: PostedImage });

/** @internal A job for the conversion worker. */
export interface I420Job {
  id: number;
  schema: VideoInputSchema;
  message: PostedBytes;
  logTimeNs: bigint;
  out: PostedImage | undefined;
  /** The arena's memory, sent with a worker's first job that uses it (see {@link I420Worker}). */
  arena?: WasmMemory;
  /** Only start up (load the kernels, take the arena) and answer; nothing to convert. */
  warm?: boolean;
}

/** @internal The worker's answer: the result, or why it failed; the message comes back either way. */
export interface I420Reply extends JobReply {
  message: PostedBytes;
  result?: PostedResult;
}

/** What {@link I420Worker.transcode} resolves with. */
export interface I420Transcoded {
  readonly result: TranscodeResult;
  /** The message, back from the worker (same offset and length, in its own buffer again). */
  readonly message: Uint8Array;
}

/** `image` as posted: its data a span when it lies in the arena. */
export function toPostedImage(image: I420Image): PostedImage {
  return { width: image.width, height: image.height, data: toPosted(image.data) };
}

/** A posted picture as a view in `memory` (the arena as this thread sees it) or its own buffer. */
export function fromPostedImage(memory: WasmMemory | undefined, image: PostedImage): I420Image {
  return { width: image.width, height: image.height, data: fromPosted(memory, image.data) };
}

/**
 * One worker thread per process that runs `transcodeImage` for raw images, so a conversion (0.7 ms
 * for 1280x720 rgb8, 1.6 ms for 1920x1080) never holds up the event loop and the device's
 * `log()` calls. A message and output picture in the {@link FrameArena} stay where they are (the
 * worker converts in place; only their places are posted); others are transferred there and back,
 * not copied. The thread starts on first use and does not keep the process alive (see
 * {@link JobWorker}).
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
   * Starts the thread and its WebAssembly kernels now (with the arena), so that the first frame
   * does not wait for them (tens of ms). Resolves when the thread is ready; never rejects.
   */
  async warm(): Promise<void> {
    const job: Omit<I420Job, "id"> = {
      schema: { decoder: "protobuf", image: "raw" },
      message: new Uint8Array(0),
      logTimeNs: 0n,
      out: undefined,
      warm: true,
    };
    const arena = FrameArena.shared()?.memory;
    if (!this.#arenaSent && arena !== undefined) {
      job.arena = arena;
      this.#arenaSent = true;
    }
    await this.#jobs.run(job, []).catch(() => {});
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
    const job: Omit<I420Job, "id"> = {
      schema,
      message: toPosted(message),
      logTimeNs,
      out: out && toPostedImage(out),
    };
    const arena = FrameArena.shared()?.memory;
    if (!this.#arenaSent && (FrameArena.holds(message) || (out && FrameArena.holds(out.data)))) {
      job.arena = arena;
      this.#arenaSent = true;
    }
    const reply = await this.#jobs.run(job, transferable([message, out?.data]));
    const result = reply.result;
    if (result === undefined) {
      throw replyError(reply);
    }
    return {
      result:
        result.kind === "frame"
          ? { ...result, image: fromPostedImage(arena, result.image) }
          : result,
      message: fromPosted(arena, reply.message),
    };
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
