import { writeFile } from "node:fs/promises";
import type { Command } from "commander";
import { addActionAccessOptions, runActionCommand } from "../runActionCommand.js";
import { positiveInteger, type ViewerAccessFlags } from "../viewerAccess.js";

interface AssetFlags extends ViewerAccessFlags {
  output?: string;
  fetchTimeout: number;
}

/** Adds `foxglove-remote asset <uri>`: fetches an asset from the device. */
export function addAssetCommand(program: Command): void {
  addActionAccessOptions(
    program
      .command("asset")
      .description("fetch an asset (mesh, URDF, ...) from the device and save it")
      .argument("<uri>", "asset URI, e.g. package://robot/meshes/base.stl")
      .option("-o, --output <file>", "file to write (default, or -: standard output)")
      .option(
        "--fetch-timeout <ms>",
        "time allowed for the device's answer",
        positiveInteger,
        30_000,
      ),
  ).action(async (uri: string, flags: AssetFlags) => {
    await runActionCommand(flags, async (viewer, signal) => {
      const data = await viewer.fetchAsset(uri, { timeoutMs: flags.fetchTimeout, signal });
      if (flags.output === undefined || flags.output === "-") {
        process.stdout.write(data);
      } else {
        await writeFile(flags.output, data);
        process.stderr.write(`wrote ${data.byteLength} bytes to ${flags.output}\n`);
      }
    });
  });
}
