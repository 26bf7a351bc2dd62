#!/usr/bin/env node
import { Command } from "commander";
import { VERSION } from "../core/version.js";
import { addApiServerCommand } from "./commands/apiServer.js";
import { addLivekitCommand } from "./commands/livekit.js";

/**
 * Each command module adds one subcommand to the program. Keep this list sorted; one line per
 * command file under ./commands/.
 */
const commands: ((program: Command) => void)[] = [addApiServerCommand, addLivekitCommand];

/** Builds the `foxglove-remote` command line program with every subcommand. */
export function buildProgram(): Command {
  const program = new Command();
  program
    .name("foxglove-remote")
    .description("Foxglove remote access for Node.js: devices, viewers and a local device API")
    .version(VERSION, "-V, --version", "print the version");
  for (const add of commands) {
    add(program);
  }
  return program;
}

await buildProgram().parseAsync(process.argv);
