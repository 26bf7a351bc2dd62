import type { Command } from "commander";
import { FoxgloveError, type FoxgloveErrorCode } from "../core/FoxgloveError.js";
import type { Viewer } from "../viewer/index.js";
import { runViewerCommand } from "./runViewerCommand.js";
import { addViewerAccessOptions, type ViewerAccessFlags } from "./viewerAccess.js";

/** Exit codes of the commands that act on a device (`call`, `param`, `publish`, `graph`, `asset`). */
export const ActionExitCode = {
  /** Done, or stopped with Ctrl-C. */
  OK: 0,
  /** Bad arguments, the device could not be reached, or another error. */
  ERROR: 1,
  /**
   * The request failed: the device answered with a failure (service handler error, asset not
   * found, ...), did not answer in time, or lacks the named service.
   */
  REQUEST_FAILED: 2,
  /** The device does not support it: a capability or message encoding it does not announce. */
  NOT_SUPPORTED: 3,
} as const;

/** The `--help` text that documents {@link ActionExitCode}. */
export const ACTION_EXIT_CODES_HELP = `
Exit codes:
  0  done (or stopped with Ctrl-C)
  1  bad arguments, the device could not be reached, or another error
  2  the request failed: the device answered with a failure, did not answer in time,
     or has no such service
  3  the device does not support it (capability or message encoding not announced)
  130  a second Ctrl-C while stopping`;

const EXIT_BY_ERROR_CODE: Partial<Record<FoxgloveErrorCode, number>> = {
  ERR_CAPABILITY: ActionExitCode.NOT_SUPPORTED,
  ERR_UNSUPPORTED_ENCODING: ActionExitCode.NOT_SUPPORTED,
  ERR_SERVICE_CALL: ActionExitCode.REQUEST_FAILED,
  ERR_ASSET: ActionExitCode.REQUEST_FAILED,
  ERR_TIMEOUT: ActionExitCode.REQUEST_FAILED,
  ERR_TOO_MANY_REQUESTS: ActionExitCode.REQUEST_FAILED,
};

/** The exit code for an error thrown by an action command. Pure. */
export function actionExitCode(error: unknown): number {
  if (!(error instanceof FoxgloveError)) {
    return ActionExitCode.ERROR;
  }
  return EXIT_BY_ERROR_CODE[error.code] ?? ActionExitCode.ERROR;
}

/**
 * Adds the viewer access options to an action command, and {@link ACTION_EXIT_CODES_HELP} (instead
 * of the viewer commands' exit codes) to its `--help`.
 */
export function addActionAccessOptions(command: Command): Command {
  return addViewerAccessOptions(command, ACTION_EXIT_CODES_HELP);
}

/**
 * Runs an action command like {@link runViewerCommand} (connect through the API server, Ctrl-C
 * aborts `signal`, the viewer is closed at the end), and sets the exit code of a failure from
 * {@link actionExitCode}. Failures print one line on stderr; an interrupt is a normal end.
 */
export async function runActionCommand(
  flags: ViewerAccessFlags,
  body: (viewer: Viewer, signal: AbortSignal) => Promise<void>,
): Promise<void> {
  await runViewerCommand(flags, async (viewer, signal) => {
    try {
      await body(viewer, signal);
    } catch (error) {
      if (signal.aborted) {
        return; // Ctrl-C: whatever failed because of it, the command ends normally
      }
      const code = actionExitCode(error);
      if (code === ActionExitCode.ERROR) {
        throw error; // runViewerCommand prints it and exits with 1
      }
      process.stderr.write(`foxglove-remote: ${(error as Error).message}\n`);
      process.exitCode = code;
    }
  });
}
