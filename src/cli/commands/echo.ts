import type { Command } from "commander";
import { FoxgloveError } from "../../core/FoxgloveError.js";
import {
  decodePointCloud,
  isCompressedPointCloudChannel,
  type Viewer,
  type ViewerChannel,
} from "../../viewer/index.js";
import { formatMessageLine } from "../formatViewerOutput.js";
import { runViewerCommand, waitForTopic } from "../runViewerCommand.js";
import {
  addViewerAccessOptions,
  positiveInteger,
  type ViewerAccessFlags,
} from "../viewerAccess.js";

interface EchoFlags extends ViewerAccessFlags {
  count?: number;
  json?: boolean;
  data?: boolean;
  wait: number;
}

/** Adds `foxglove-remote echo <topic>`: prints a topic's messages as they arrive. */
export function addEchoCommand(program: Command): void {
  addViewerAccessOptions(
    program
      .command("echo")
      .description(
        "print the messages of a topic (JSON decoded; compressed point clouds and other encodings " +
          "summarized) until Ctrl-C; " +
          "for a video channel, print its frame size and rate once a second",
      )
      .argument("<topic>", "topic to print, e.g. /imu")
      .option("-n, --count <n>", "exit after this many messages (video: frames)", positiveInteger)
      .option("--json", "print one JSON object per message and line")
      .option("--data", "receive a video channel's messages as data instead of video")
      .option("--wait <ms>", "how long to wait for the topic to appear", positiveInteger, 10_000),
  ).action(async (topic: string, flags: EchoFlags) => {
    await runViewerCommand(flags, async (viewer, signal) => {
      const channel = await waitForTopic(viewer, topic, flags.wait, signal);
      const stdout = new StdoutGuard();
      try {
        if (channel.hasVideoTrack && flags.data !== true) {
          await echoVideo(viewer, channel, flags, signal, stdout);
        } else {
          await echoData(viewer, topic, flags, signal, stdout);
        }
      } finally {
        stdout.dispose();
      }
      if (!stdout.broken && !signal.aborted && viewer.isClosed) {
        throw viewer.closeError ?? new FoxgloveError("ERR_CHANNEL_CLOSED", "the viewer closed");
      }
    });
  });
}

/** Notices a closed stdout (e.g. piped into `head`) so that the command stops quietly. */
class StdoutGuard {
  broken = false;
  #onBroken: (() => void) | undefined;
  readonly #listener = () => {
    this.broken = true;
    this.#onBroken?.();
  };

  constructor() {
    process.stdout.once("error", this.#listener);
  }

  onBroken(fn: () => void): void {
    this.#onBroken = fn;
  }

  dispose(): void {
    process.stdout.off("error", this.#listener);
  }
}

async function echoData(
  viewer: Viewer,
  topic: string,
  flags: EchoFlags,
  signal: AbortSignal,
  stdout: StdoutGuard,
): Promise<void> {
  const sub = viewer.subscribe(topic, { signal });
  stdout.onBroken(() => sub.unsubscribe());
  let printed = 0;
  for await (const message of sub) {
    const cloud = isCompressedPointCloudChannel(message.channel)
      ? await decodePointCloud(message).catch(() => undefined)
      : undefined;
    process.stdout.write(`${formatMessageLine(message, flags.json === true, cloud)}\n`);
    printed += 1;
    if (flags.count !== undefined && printed >= flags.count) {
      break;
    }
  }
}

/** Prints one line per second: frame size and frames per second over that second. */
async function echoVideo(
  viewer: Viewer,
  channel: ViewerChannel,
  flags: EchoFlags,
  signal: AbortSignal,
  stdout: StdoutGuard,
): Promise<void> {
  const sub = viewer.subscribe(channel, { video: true, signal });
  stdout.onBroken(() => sub.unsubscribe());
  let total = 0;
  let windowStart = performance.now();
  let windowFrames = 0;
  const line = (width: number, height: number, fps: number) =>
    flags.json === true
      ? JSON.stringify({
          topic: channel.topic,
          channelId: channel.id,
          width,
          height,
          fps: round1(fps),
          frames: total,
        })
      : `${channel.topic}: video ${width}x${height} @ ${round1(fps).toFixed(1)} fps (${total} frames)`;
  for await (const frame of sub) {
    total += 1;
    windowFrames += 1;
    const now = performance.now();
    const done = flags.count !== undefined && total >= flags.count;
    if (now - windowStart >= 1000 || done || total === 1) {
      const fps = total === 1 ? 0 : (windowFrames * 1000) / Math.max(1, now - windowStart);
      process.stdout.write(`${line(frame.width, frame.height, fps)}\n`);
      windowStart = now;
      windowFrames = 0;
    }
    if (done) {
      break;
    }
  }
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}
