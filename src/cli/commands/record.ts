import { rm } from "node:fs/promises";
import { InvalidArgumentError, type Command } from "commander";
import { Context } from "../../core/Context.js";
import { FoxgloveError } from "../../core/FoxgloveError.js";
import { RawChannel } from "../../core/RawChannel.js";
import { nowNanos } from "../../core/time.js";
import { openMcap, type McapCompression, type McapWriter } from "../../mcap/index.js";
import type { Viewer, ViewerChannel } from "../../viewer/index.js";
import { formatRecordProgress } from "../recordProgress.js";
import { runViewerCommand } from "../runViewerCommand.js";
import {
  addViewerAccessOptions,
  positiveInteger,
  type ViewerAccessFlags,
} from "../viewerAccess.js";

interface RecordFlags extends ViewerAccessFlags {
  topic?: string[];
  compression: McapCompression;
  chunkSize?: number;
  overwrite?: boolean;
  duration?: number;
}

/** How often the progress line is redrawn, in milliseconds. */
const PROGRESS_INTERVAL_MS = 1000;

/**
 * Adds `foxglove-remote record <file.mcap>`: records a device's channels into an MCAP file until
 * Ctrl-C, with a progress line on stderr.
 */
export function addRecordCommand(program: Command): void {
  addViewerAccessOptions(
    program
      .command("record")
      .description("record a device's channels into an MCAP file until Ctrl-C")
      .argument("<file>", "the MCAP file to create")
      .option("-t, --topic <topic...>", "record only these topics (default: every topic)")
      .option(
        "--compression <kind>",
        "chunk compression: zstd, lz4 or none",
        parseCompression,
        "zstd" as McapCompression,
      )
      .option(
        "--chunk-size <bytes>",
        "uncompressed bytes per chunk (default 1 MiB)",
        positiveInteger,
      )
      .option("-f, --overwrite", "replace the file if it exists")
      .option("--duration <seconds>", "stop after this many seconds", positiveInteger),
  ).action(async (file: string, flags: RecordFlags) => {
    const context = new Context();
    const writer = await openMcap(file, {
      context,
      compression: flags.compression,
      allowOverwrite: flags.overwrite === true,
      ...(flags.chunkSize !== undefined ? { chunkSize: flags.chunkSize } : {}),
    }).catch((error: unknown) => {
      if ((error as { cause?: NodeJS.ErrnoException }).cause?.code === "EEXIST") {
        throw new FoxgloveError("ERR_IO", `${file} already exists (use --overwrite to replace it)`);
      }
      throw error;
    });
    const progress = startProgress(writer);
    let connected = false;
    try {
      await runViewerCommand(flags, async (viewer, signal) => {
        connected = true;
        const mirror = mirrorChannels(viewer, context, flags.topic);
        try {
          await until(viewer, signal, flags.duration);
        } finally {
          mirror();
        }
        if (!signal.aborted && viewer.isClosed) {
          throw viewer.closeError ?? new FoxgloveError("ERR_CHANNEL_CLOSED", "the device left");
        }
      });
    } finally {
      progress.stop();
      await writer.close();
      context.close();
      if (!connected && writer.messageCount === 0) {
        await rm(file, { force: true }); // nothing was recorded: leave no empty file behind
      } else {
        process.stderr.write(
          `Recorded ${writer.messageCount} messages (${writer.bytesWritten} bytes) to ${file}\n`,
        );
      }
    }
  });
}

function parseCompression(value: string): McapCompression {
  if (value === "zstd" || value === "lz4") {
    return value;
  }
  if (value === "none") {
    return null;
  }
  throw new InvalidArgumentError("expected zstd, lz4 or none");
}

/**
 * Subscribes to the device's topics (all, or `topics`) and logs each message on a channel of
 * `context` that mirrors the device's channel. Returns a function that unsubscribes.
 */
function mirrorChannels(
  viewer: Viewer,
  context: Context,
  topics: readonly string[] | undefined,
): () => void {
  const mirrors = new Map<ViewerChannel, RawChannel>();
  const subscribed = new Set<string>();
  const unsubscribers: (() => void)[] = [];
  const mirror = (channel: ViewerChannel): RawChannel => {
    let raw = mirrors.get(channel);
    if (raw === undefined) {
      raw = new RawChannel(channel.topic, {
        context,
        messageEncoding: channel.messageEncoding,
        ...(channel.schema !== undefined ? { schema: channel.schema } : {}),
        metadata: channel.metadata,
      });
      mirrors.set(channel, raw);
    }
    return raw;
  };
  const follow = (channels: readonly ViewerChannel[]) => {
    for (const { topic } of channels) {
      if (subscribed.has(topic) || (topics !== undefined && !topics.includes(topic))) {
        continue;
      }
      subscribed.add(topic);
      const sub = viewer.subscribe(topic, {
        onMessage: (m) =>
          mirror(m.channel).log(m.data, { logTime: m.logTime === 0n ? nowNanos() : m.logTime }),
      });
      unsubscribers.push(() => sub.unsubscribe());
    }
  };
  unsubscribers.push(viewer.on("channels", follow));
  follow(viewer.channels);
  return () => unsubscribers.forEach((u) => u());
}

/** Resolves on Ctrl-C (the signal), when the viewer closes, or after `durationS` seconds. */
async function until(viewer: Viewer, signal: AbortSignal, durationS?: number): Promise<void> {
  await new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = durationS === undefined ? undefined : setTimeout(done, durationS * 1000);
    signal.addEventListener("abort", done, { once: true });
    void viewer.closed.then(done);
    if (signal.aborted) {
      done();
    }
  });
}

/**
 * Draws the progress line on stderr every second: rewritten in place on a terminal, one line per
 * interval otherwise.
 */
function startProgress(writer: McapWriter): { stop(): void } {
  const tty = process.stderr.isTTY === true;
  const started = Date.now();
  let last = { at: started, messages: 0 };
  const draw = () => {
    const now = Date.now();
    const messages = writer.messageCount;
    const seconds = (now - last.at) / 1000;
    const line = formatRecordProgress({
      messages,
      bytes: writer.messageBytes,
      rate: seconds > 0 ? (messages - last.messages) / seconds : 0,
      elapsedMs: now - started,
      dropped: writer.dropped,
    });
    last = { at: now, messages };
    process.stderr.write(tty ? `\r\x1b[2K${line}` : `${line}\n`);
  };
  const timer = setInterval(draw, PROGRESS_INTERVAL_MS);
  return {
    stop() {
      clearInterval(timer);
      draw();
      if (tty) {
        process.stderr.write("\n");
      }
    },
  };
}
