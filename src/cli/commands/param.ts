import type { Command } from "commander";
import { FoxgloveError } from "../../core/FoxgloveError.js";
import { encodeParameter, type Parameter } from "../../protocol/index.js";
import { formatParameterLine, parameterArgument } from "../actionInput.js";
import { addActionAccessOptions, runActionCommand } from "../runActionCommand.js";
import { positiveInteger, type ViewerAccessFlags } from "../viewerAccess.js";

interface ParamFlags extends ViewerAccessFlags {
  json?: boolean;
  requestTimeout: number;
  count?: number;
}

/** Adds `foxglove-remote param get|set|watch`: reads, sets and follows device parameters. */
export function addParamCommand(program: Command): void {
  const param = program
    .command("param")
    .description("read, set and watch the parameters of a device");
  const common = (command: Command) =>
    addActionAccessOptions(
      command
        .option("--json", "print each parameter as its wire JSON object, one per line")
        .option(
          "--request-timeout <ms>",
          "time allowed for the device's answer",
          positiveInteger,
          10_000,
        ),
    );

  common(
    param
      .command("get")
      .description("print parameter values (all of them when no name is given)")
      .argument("[names...]", "parameter names"),
  ).action(async (names: string[], flags: ParamFlags) => {
    await runActionCommand(flags, async (viewer, signal) => {
      const values = await viewer
        .getParameters(names, { timeoutMs: flags.requestTimeout, signal })
        .catch(explainSilence);
      printParameters(values, flags);
    });
  });

  common(
    param
      .command("set")
      .description(
        'set a parameter and print the value the device applied; the value is JSON (1, 1.5, true, [1,2], {"a":1}) or else a string; 1.0 is a float',
      )
      .argument("<name>", "parameter name")
      .argument("<value>", "the new value"),
  ).action(async (name: string, value: string, flags: ParamFlags) => {
    const parameter = parameterArgument(name, value);
    await runActionCommand(flags, async (viewer, signal) => {
      const applied = await viewer
        .setParameters([parameter], { timeoutMs: flags.requestTimeout, signal })
        .catch(explainSilence);
      printParameters(applied, flags);
    });
  });

  common(
    param
      .command("watch")
      .description("print parameter updates as the device publishes them, until Ctrl-C")
      .argument("<names...>", "parameter names")
      .option("-n, --count <n>", "exit after this many updates", positiveInteger),
  ).action(async (names: string[], flags: ParamFlags) => {
    await runActionCommand(flags, async (viewer, signal) => {
      const updates = viewer.subscribeParameterUpdates(names, { signal });
      let seen = 0;
      for await (const batch of updates) {
        printParameters(batch, flags);
        seen += 1;
        if (flags.count !== undefined && seen >= flags.count) {
          break;
        }
      }
      if (!signal.aborted && viewer.isClosed) {
        throw viewer.closeError ?? new FoxgloveError("ERR_CHANNEL_CLOSED", "the viewer closed");
      }
    });
  });
}

function printParameters(parameters: readonly Parameter[], flags: ParamFlags): void {
  const lines = parameters.map((p) =>
    flags.json === true ? encodeParameter(p) : formatParameterLine(p),
  );
  if (lines.length > 0) {
    process.stdout.write(`${lines.join("\n")}\n`);
  }
}

/** A device without a parameter handler never answers: say so instead of a bare timeout. */
function explainSilence(error: unknown): never {
  if (error instanceof FoxgloveError && error.code === "ERR_TIMEOUT") {
    throw new FoxgloveError(
      "ERR_TIMEOUT",
      `${error.message} (a device without a parameter handler does not answer)`,
    );
  }
  throw error;
}
