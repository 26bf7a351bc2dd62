import { FoxgloveError } from "../core/FoxgloveError.js";
import { connectViewer, type Viewer } from "../viewer/index.js";
import { formatStatusLine } from "./formatViewerOutput.js";
import { interruptSignal } from "./interruptSignal.js";
import { resolveDevice, viewerAccessFrom, type ViewerAccessFlags } from "./viewerAccess.js";

/**
 * Runs a viewer command: connects to the device through the API server (flags and environment as
 * in {@link viewerAccessFrom}), calls `body` with the viewer and a signal that Ctrl-C (SIGINT) or
 * SIGTERM aborts, then closes the viewer. The device's statuses (warnings such as dropped oversized
 * messages) are printed on stderr as they arrive. Failures are printed as one line on stderr and
 * set exit code 1; an interrupt is a normal end (exit code 0; a second Ctrl-C exits at once, 130).
 */
export async function runViewerCommand(
  flags: ViewerAccessFlags,
  body: (viewer: Viewer, signal: AbortSignal) => Promise<void>,
): Promise<void> {
  using interrupt = interruptSignal();
  const { signal } = interrupt;
  let viewer: Viewer | undefined;
  try {
    const access = await resolveDevice(viewerAccessFrom(flags, process.env), signal);
    viewer = await connectViewer({
      ...access,
      signal,
      // On by default: a viewer cut off from the room (network, a stopped process) joins again.
      reconnect: flags.reconnect !== false,
      ...(flags.timeout !== undefined ? { connectTimeoutMs: flags.timeout } : {}),
    });
    const v = viewer;
    const printStatus = (status: Parameters<typeof formatStatusLine>[0]) =>
      process.stderr.write(`${formatStatusLine(status, v.channels)}\n`);
    v.statuses.forEach(printStatus);
    v.on("status", printStatus);
    await body(viewer, signal);
  } catch (error) {
    if (!(error instanceof FoxgloveError && error.code === "ERR_ABORTED" && signal.aborted)) {
      const text = error instanceof Error ? error.message : String(error);
      process.stderr.write(`foxglove-remote: ${text}\n`);
      process.exitCode = 1;
    }
  } finally {
    await viewer?.close();
  }
}
