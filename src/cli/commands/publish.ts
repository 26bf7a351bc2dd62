import type { Command } from "commander";
import { InvalidArgumentError } from "commander";
import { FoxgloveError } from "../../core/FoxgloveError.js";
import { sleep, systemClock } from "../../gateway/Clock.js";
import { payloadArgument, readStdin } from "../actionInput.js";
import { addActionAccessOptions, runActionCommand } from "../runActionCommand.js";
import { positiveInteger, type ViewerAccessFlags } from "../viewerAccess.js";

interface PublishFlags extends ViewerAccessFlags {
  rate?: number;
  count?: number;
  encoding: string;
  schemaName?: string;
}

/** Adds `foxglove-remote publish <topic> <message>`: publishes on a client channel. */
export function addPublishCommand(program: Command): void {
  addActionAccessOptions(
    program
      .command("publish")
      .description(
        "advertise a client channel and publish a message on it: once, or --rate times per second until Ctrl-C",
      )
      .argument("<topic>", "topic to publish on, e.g. /cmd_vel")
      .argument("<message>", "the message, e.g. '{\"linear\": 0.5}'; - reads it from stdin")
      .option("-r, --rate <hz>", "publish repeatedly at this rate (messages per second)", rate)
      .option("-n, --count <n>", "with --rate: stop after this many messages", positiveInteger)
      .option("--encoding <encoding>", "message encoding (must be one the device accepts)", "json")
      .option("--schema-name <name>", "schema name to advertise, e.g. geometry_msgs/Twist"),
  ).action(async (topic: string, message: string, flags: PublishFlags) => {
    const data = payloadArgument(message === "-" ? await readStdin() : message, flags.encoding);
    await runActionCommand(flags, async (viewer, signal) => {
      const publisher = viewer.advertise({
        topic,
        encoding: flags.encoding,
        ...(flags.schemaName !== undefined
          ? { schema: { name: flags.schemaName, encoding: "", data: new Uint8Array() } }
          : {}),
      });
      const total = flags.rate === undefined ? 1 : (flags.count ?? Infinity);
      const periodMs = flags.rate === undefined ? 0 : 1000 / flags.rate;
      const start = performance.now();
      let attempts = 0;
      while (!signal.aborted && attempts < total) {
        publisher.publish(data); // false (counted in `dropped`) when the link is backed up
        attempts += 1;
        if (attempts < total) {
          // Keep the rate from the start, so slow sends do not drift it.
          await sleep(systemClock, start + attempts * periodMs - performance.now(), signal);
        }
        if (!signal.aborted && viewer.isClosed) {
          throw viewer.closeError ?? new FoxgloveError("ERR_CHANNEL_CLOSED", "the viewer closed");
        }
      }
      const dropped =
        publisher.dropped > 0 ? ` (${publisher.dropped} dropped: link backed up)` : "";
      process.stderr.write(`published ${publisher.published} message(s) on ${topic}${dropped}\n`);
      publisher.unadvertise();
    });
  });
}

function rate(value: string): number {
  const hz = Number(value);
  if (!Number.isFinite(hz) || hz <= 0 || hz > 10_000) {
    throw new InvalidArgumentError("expected a rate in Hz, > 0 and <= 10000");
  }
  return hz;
}
