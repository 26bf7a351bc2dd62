import type { Command } from "commander";
import {
  addViewerAccessOptions,
  positiveInteger,
  type ViewerAccessFlags,
} from "../viewerAccess.js";
import { channelJson, formatChannelTable } from "../formatViewerOutput.js";
import { runViewerCommand } from "../runViewerCommand.js";

interface TopicsFlags extends ViewerAccessFlags {
  json?: boolean;
  wait: number;
}

/** Adds `foxglove-remote topics`: lists the channels a device advertises. */
export function addTopicsCommand(program: Command): void {
  addViewerAccessOptions(
    program
      .command("topics")
      .description("list the channels of a device (reached through the device API server)")
      .option("--json", "print one JSON array of channels")
      .option(
        "--wait <ms>",
        "how long to wait for the first channels of a device that has none yet",
        positiveInteger,
        2000,
      ),
  ).action(async (flags: TopicsFlags) => {
    await runViewerCommand(flags, async (viewer, signal) => {
      if (viewer.channels.length === 0) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(finish, flags.wait);
          const off = viewer.on("channels", finish);
          signal.addEventListener("abort", finish, { once: true });
          function finish(): void {
            clearTimeout(timer);
            off();
            resolve();
          }
        });
      }
      const channels = viewer.channels;
      process.stdout.write(
        flags.json === true
          ? `${JSON.stringify(channels.map(channelJson), null, 2)}\n`
          : `${formatChannelTable(channels)}\n`,
      );
    });
  });
}
