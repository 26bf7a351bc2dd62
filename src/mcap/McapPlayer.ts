import { McapIndexedReader } from "@mcap/core";
import type { Context } from "../core/Context.js";
import { FoxgloveError } from "../core/FoxgloveError.js";
import { RawChannel } from "../core/RawChannel.js";
import type { PlaybackControlRequest, PlaybackState, PlaybackStatus } from "../protocol/index.js";
import { loadDecompressHandlers } from "./chunkCompression.js";
import { FileReadable } from "./FileReadable.js";

/** Options of {@link McapPlayer.open}. */
export interface McapPlayerOptions {
  /** Where the recording's channels are logged. */
  context: Context;
  /** Playback speed, > 0 (1 = as recorded). Default 1. */
  speed?: number;
  /** Start paused (a client's play request starts it). Default false. */
  paused?: boolean;
  /** Told the playback time (ns) before each message is logged. Default none. */
  onTime?: (time: bigint) => void;
  /** Told each state change not caused by a request (end of file). Default none. */
  onState?: (state: PlaybackState) => void;
}

/**
 * Replays an MCAP file into a context: each recorded channel becomes a channel of the context
 * (same topic, encoding, schema and metadata) and each message is logged with its recorded log
 * time, paced by that time at the chosen speed. Play, pause, seek and speed follow
 * `PlaybackControlRequest`s ({@link control}). Needs an indexed file (one that was closed).
 */
export class McapPlayer implements AsyncDisposable {
  /** First and last message log times, ns. */
  readonly startTime: bigint;
  readonly endTime: bigint;
  readonly #file: FileReadable;
  readonly #reader: McapIndexedReader;
  readonly #channels = new Map<number, RawChannel>();
  readonly #onTime: ((time: bigint) => void) | undefined;
  readonly #onState: ((state: PlaybackState) => void) | undefined;
  #speed: number;
  #status: PlaybackStatus;
  /** Playback position: the log time reached, ns. */
  #position: bigint;
  /** Wall clock (ms) at which `#position` was reached, for pacing. */
  #anchorWallMs = performance.now();
  #seekTo: bigint | undefined;
  #wake: (() => void) | undefined;
  #logged = 0;

  private constructor(file: FileReadable, reader: McapIndexedReader, options: McapPlayerOptions) {
    this.#file = file;
    this.#reader = reader;
    this.#onTime = options.onTime;
    this.#onState = options.onState;
    this.#speed = checkSpeed(options.speed ?? 1);
    this.#status = options.paused === true ? "paused" : "playing";
    const stats = reader.statistics;
    const starts = reader.chunkIndexes.map((c) => c.messageStartTime);
    const ends = reader.chunkIndexes.map((c) => c.messageEndTime);
    this.startTime = stats?.messageStartTime ?? starts.reduce((a, b) => (b < a ? b : a), 0n);
    this.endTime = stats?.messageEndTime ?? ends.reduce((a, b) => (b > a ? b : a), 0n);
    this.#position = this.startTime;
    for (const channel of reader.channelsById.values()) {
      const schema = reader.schemasById.get(channel.schemaId);
      this.#channels.set(
        channel.id,
        new RawChannel(channel.topic, {
          context: options.context,
          messageEncoding: channel.messageEncoding,
          ...(schema === undefined
            ? {}
            : { schema: { name: schema.name, encoding: schema.encoding, data: schema.data } }),
          metadata: Object.fromEntries(channel.metadata),
        }),
      );
    }
  }

  /**
   * Opens `path` and creates its channels on the context.
   * @throws {FoxgloveError} `ERR_IO` when it cannot be read; `ERR_MCAP` when it is not an indexed
   *   MCAP file; `ERR_VALUE` for a speed that is not > 0
   */
  static async open(path: string, options: McapPlayerOptions): Promise<McapPlayer> {
    const file = await FileReadable.open(path);
    try {
      const reader = await McapIndexedReader.Initialize({
        readable: file,
        decompressHandlers: await loadDecompressHandlers(),
      });
      return new McapPlayer(file, reader, options);
    } catch (cause) {
      await file.close();
      if (cause instanceof FoxgloveError) throw cause;
      throw new FoxgloveError(
        "ERR_MCAP",
        `${path} is not a readable indexed MCAP file: ${cause instanceof Error ? cause.message : String(cause)}`,
        { cause },
      );
    }
  }

  /** Messages logged so far. */
  get logged(): number {
    return this.#logged;
  }

  /** The current playback state. */
  get state(): PlaybackState {
    return {
      op: "playbackState",
      status: this.#status,
      currentTime: this.#position,
      playbackSpeed: this.#speed,
      didSeek: false,
    };
  }

  /** Applies a client's request (speed, optional seek, then play or pause); returns the state. */
  control(request: PlaybackControlRequest): PlaybackState {
    if (request.playbackSpeed > 0 && Number.isFinite(request.playbackSpeed)) {
      this.#reanchor();
      this.#speed = request.playbackSpeed;
    }
    const seek = request.seekTime;
    if (seek !== undefined) {
      const clamped =
        seek < this.startTime ? this.startTime : seek > this.endTime ? this.endTime : seek;
      this.#seekTo = clamped;
      this.#position = clamped;
    }
    if (request.command === "play") {
      if (this.#status === "ended" && seek === undefined) {
        this.#seekTo = this.startTime; // play after the end starts over
        this.#position = this.startTime;
      }
      this.#status = "playing";
    } else {
      this.#status = "paused";
    }
    this.#anchorWallMs = performance.now();
    this.#interrupt();
    return { ...this.state, didSeek: seek !== undefined };
  }

  /**
   * Plays until the end of the file (then waits, ended, for a seek or play) or until `signal`
   * aborts. Resolves when aborted.
   */
  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      const from = this.#seekTo ?? this.#position;
      this.#seekTo = undefined;
      const ended = await this.#playFrom(from, signal);
      if (ended && !signal.aborted) {
        this.#status = "ended";
        this.#position = this.endTime;
        this.#onState?.(this.state);
        while (this.#seekTo === undefined && !signal.aborted) {
          await this.#sleep(undefined, signal);
        }
      }
    }
  }

  /** Closes the file. */
  async close(): Promise<void> {
    await this.#file.close();
  }

  /** Same as {@link close}. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** Plays messages from `from`; true at the end of the file, false when a seek interrupted. */
  async #playFrom(from: bigint, signal: AbortSignal): Promise<boolean> {
    this.#position = from;
    this.#anchorWallMs = performance.now();
    for await (const message of this.#reader.readMessages({ startTime: from })) {
      for (;;) {
        if (signal.aborted || this.#seekTo !== undefined) {
          return false;
        }
        if (this.#status !== "playing") {
          await this.#sleep(undefined, signal);
          continue;
        }
        const dueMs =
          this.#anchorWallMs + Number(message.logTime - this.#position) / 1e6 / this.#speed;
        const waitMs = dueMs - performance.now();
        if (waitMs <= 0) {
          break;
        }
        await this.#sleep(waitMs, signal);
      }
      this.#reanchorAt(message.logTime);
      this.#onTime?.(message.logTime);
      this.#channels.get(message.channelId)?.log(message.data, { logTime: message.logTime });
      this.#logged += 1;
    }
    return true;
  }

  /** Moves the pacing anchor to now, keeping the position reached so far. */
  #reanchor(): void {
    if (this.#status === "playing") {
      const elapsedNs = BigInt(
        Math.floor((performance.now() - this.#anchorWallMs) * 1e6 * this.#speed),
      );
      const next = this.#position + elapsedNs;
      this.#reanchorAt(next > this.endTime ? this.endTime : next);
    }
  }

  #reanchorAt(position: bigint): void {
    // Keep the wall anchor consistent with the schedule (not with when we woke up), so that
    // timer lateness does not accumulate.
    this.#anchorWallMs += Number(position - this.#position) / 1e6 / this.#speed;
    this.#position = position;
  }

  /** Sleeps `ms` (forever when undefined) or until a control request or `signal`. */
  #sleep(ms: number | undefined, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const timer = ms === undefined ? undefined : setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        signal.removeEventListener("abort", done);
        resolve();
      }
      this.#wake = done;
      signal.addEventListener("abort", done, { once: true });
    });
  }

  #interrupt(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }
}

function checkSpeed(speed: number): number {
  if (!(speed > 0) || !Number.isFinite(speed)) {
    throw new FoxgloveError("ERR_VALUE", `playback speed must be > 0, got ${speed}`);
  }
  return speed;
}
