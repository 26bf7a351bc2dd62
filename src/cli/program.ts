import { Command } from "commander";
import { VERSION } from "../core/version.js";
import { addApiServerCommand } from "./commands/apiServer.js";
import { addAssetCommand } from "./commands/asset.js";
import { addCallCommand } from "./commands/call.js";
import { addDemoCommand } from "./commands/demo.js";
import { addDeviceCommand } from "./commands/device.js";
import { addEchoCommand } from "./commands/echo.js";
import { addGraphCommand } from "./commands/graph.js";
import { addLivekitCommand } from "./commands/livekit.js";
import { addParamCommand } from "./commands/param.js";
import { addPlayCommand } from "./commands/play.js";
import { addPublishCommand } from "./commands/publish.js";
import { addSnapshotCommand } from "./commands/snapshot.js";
import { addRecordCommand } from "./commands/record.js";
import { addServeCommand } from "./commands/serve.js";
import { addTopicsCommand } from "./commands/topics.js";

/**
 * Each command module adds one subcommand to the program. Keep this list sorted; one line per
 * command file under ./commands/.
 */
const commands: ((program: Command) => void)[] = [
  addApiServerCommand,
  addAssetCommand,
  addCallCommand,
  addDemoCommand,
  addDeviceCommand,
  addEchoCommand,
  addGraphCommand,
  addLivekitCommand,
  addParamCommand,
  addPlayCommand,
  addPublishCommand,
  addSnapshotCommand,
  addRecordCommand,
  addServeCommand,
  addTopicsCommand,
];

/** Builds the `foxglove-remote` command line program with every subcommand. */
export function buildProgram(): Command {
  const program = new Command();
  program
    .name("foxglove-remote")
    .description("Foxglove remote access for Node.js: devices, viewers and a local device API")
    .version(VERSION, "-V, --version", "print the version")
    .addHelpText(
      "after",
      "\nEvery command stops on Ctrl-C (a second one exits at once with 130); " +
        "`foxglove-remote <command> --help` lists its options and exit codes.",
    );
  for (const add of commands) {
    add(program);
  }
  return program;
}
