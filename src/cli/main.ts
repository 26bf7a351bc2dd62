#!/usr/bin/env node
import { Command } from "commander";
import { VERSION } from "../core/version.js";

/** Builds the `foxglove-remote` command line program. */
export function buildProgram(): Command {
  const program = new Command();
  program
    .name("foxglove-remote")
    .description("Foxglove remote access for Node.js: devices, viewers and a local device API")
    .version(VERSION, "-V, --version", "print the version");
  return program;
}

await buildProgram().parseAsync(process.argv);
