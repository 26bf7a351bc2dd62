import type { Command } from "commander";
import { FoxgloveError } from "../../core/FoxgloveError.js";
import { formatMessageLine } from "../formatViewerOutput.js";
import { runViewerCommand } from "../runViewerCommand.js";
import { decodePointCloud, isCompressedPointCloudChannel } from "../../viewer/index.js";
import {
  addViewerAccessOptions,
  positiveInteger,
  type ViewerAccessFlags,
} from "../viewerAccess.js";

interface EchoFlags extends ViewerAccessFlags {
  count?: number;
  json?: boolean;
  wait: number;
}

/** Adds `foxglove-remote echo <topic>`: prints a topic's messages as they arrive. */
export function addEchoCommand(program: Command): void {
  addViewerAccessOptions(
    program
      .command("echo")
      .description(
        "print the messages of a topic (JSON decoded; compressed point clouds and other encodings summarized) until Ctrl-C",
      )
      .argument("<topic>", "topic to print, e.g. /imu")
      .option("-n, --count <n>", "exit after this many messages", positiveInteger)
      .option("--json", "print one JSON object per message and line")
      .option("--wait <ms>", "how long to wait for the topic to appear", positiveInteger, 10_000),
  ).action(async (topic: string, flags: EchoFlags) => {
    await runViewerCommand(flags, async (viewer, signal) => {
      try {
        await viewer.waitForChannel(topic, { timeoutMs: flags.wait, signal });
      } catch (error) {
        if (error instanceof FoxgloveError && error.code === "ERR_TIMEOUT") {
          const topics = viewer.channels.map((c) => c.topic).join(", ") || "none";
          throw new FoxgloveError(
            "ERR_TIMEOUT",
            `the device has no topic ${topic} (it has: ${topics})`,
          );
        }
        throw error;
      }
      const sub = viewer.subscribe(topic, { signal });
      let printed = 0;
      let broken = false;
      const onPipeError = () => {
        broken = true; // e.g. piped into `head`: stop quietly
        sub.unsubscribe();
      };
      process.stdout.once("error", onPipeError);
      try {
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
      } finally {
        process.stdout.off("error", onPipeError);
      }
      if (!broken && !signal.aborted && viewer.isClosed) {
        throw viewer.closeError ?? new FoxgloveError("ERR_CHANNEL_CLOSED", "the viewer closed");
      }
    });
  });
}
