import type { Command } from "commander";
import sharp from "sharp";
import { FoxgloveError } from "../../core/FoxgloveError.js";
import { runViewerCommand, waitForTopic } from "../runViewerCommand.js";
import {
  addViewerAccessOptions,
  positiveInteger,
  type ViewerAccessFlags,
} from "../viewerAccess.js";

interface SnapshotFlags extends ViewerAccessFlags {
  wait: number;
}

/** Adds `foxglove-remote snapshot <topic> <file>`: saves one video frame of a topic as PNG. */
export function addSnapshotCommand(program: Command): void {
  addViewerAccessOptions(
    program
      .command("snapshot")
      .description("save one frame of a video channel (an image topic) as a PNG file")
      .argument("<topic>", "image topic, e.g. /camera")
      .argument("<file>", "PNG file to write, e.g. out.png")
      .option(
        "--wait <ms>",
        "how long to wait for the topic and then for its first frame",
        positiveInteger,
        10_000,
      ),
  ).action(async (topic: string, file: string, flags: SnapshotFlags) => {
    await runViewerCommand(flags, async (viewer, signal) => {
      const channel = await waitForTopic(viewer, topic, flags.wait, signal);
      if (!channel.hasVideoTrack) {
        throw new FoxgloveError(
          "ERR_VALUE",
          `${topic} is not an image topic the device offers as video`,
        );
      }
      const sub = viewer.subscribe(channel, {
        video: true,
        format: "rgba",
        timeoutMs: flags.wait,
        signal,
      });
      let frame;
      for await (const f of sub) {
        frame = f;
        break;
      }
      if (frame === undefined) {
        if (signal.aborted) {
          return;
        }
        throw (
          viewer.closeError ??
          new FoxgloveError("ERR_CHANNEL_CLOSED", `the video of ${topic} ended without a frame`)
        );
      }
      await sharp(frame.data, { raw: { width: frame.width, height: frame.height, channels: 4 } })
        .png()
        .toFile(file);
      process.stdout.write(`wrote ${file} (${frame.width}x${frame.height})\n`);
    });
  });
}
