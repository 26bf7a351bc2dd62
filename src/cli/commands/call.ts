import type { Command } from "commander";
import { FoxgloveError } from "../../core/FoxgloveError.js";
import { CapabilityError, ServiceCallError } from "../../viewer/index.js";
import { payloadArgument, readStdin } from "../actionInput.js";
import { addActionAccessOptions, runActionCommand } from "../runActionCommand.js";
import { positiveInteger, type ViewerAccessFlags } from "../viewerAccess.js";

interface CallFlags extends ViewerAccessFlags {
  encoding?: string;
  callTimeout: number;
  wait: number;
}

/** Adds `foxglove-remote call <service> [request]`: calls a device service, prints the response. */
export function addCallCommand(program: Command): void {
  addActionAccessOptions(
    program
      .command("call")
      .description(
        "call a service of the device and print its response (JSON on one line; other encodings as raw bytes)",
      )
      .argument("<service>", "service name, e.g. /reset")
      .argument("[request]", "the request, e.g. '{\"a\": 1}'; - reads it from stdin", "{}")
      .option(
        "--encoding <encoding>",
        "request encoding (default: the service's, else json when the device accepts it)",
      )
      .option("--call-timeout <ms>", "time allowed for the response", positiveInteger, 30_000)
      .option("--wait <ms>", "how long to wait for the service to appear", positiveInteger, 10_000),
  ).action(async (name: string, request: string, flags: CallFlags) => {
    const text = request === "-" ? await readStdin() : request;
    await runActionCommand(flags, async (viewer, signal) => {
      if (viewer.serverInfo?.capabilities.includes("services") !== true) {
        throw new CapabilityError("services", "service calls"); // before waiting for the service
      }
      let service;
      try {
        service = await viewer.waitForService(name, { timeoutMs: flags.wait, signal });
      } catch (error) {
        if (error instanceof FoxgloveError && error.code === "ERR_TIMEOUT") {
          const names = viewer.services.map((s) => s.name).join(", ") || "none";
          throw new ServiceCallError(
            "unknownService",
            name,
            `the device has no service ${name} (it has: ${names})`,
          );
        }
        throw error;
      }
      // The library picks the default encoding; JSON is checked here when it will be JSON.
      const checked = flags.encoding ?? service.request?.encoding ?? "json";
      const response = await viewer.callService(service, payloadArgument(text, checked), {
        ...(flags.encoding !== undefined ? { encoding: flags.encoding } : {}),
        timeoutMs: flags.callTimeout,
        signal,
      });
      if (response.encoding === "json") {
        const body = new TextDecoder().decode(response.data);
        let line = body;
        try {
          line = JSON.stringify(JSON.parse(body));
        } catch {
          // not valid JSON after all: print it as it came
        }
        process.stdout.write(`${line}\n`);
      } else {
        process.stdout.write(response.data);
      }
    });
  });
}
