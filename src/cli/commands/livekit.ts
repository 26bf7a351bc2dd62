import type { Command } from "commander";
import { mintDevToken, startDevServer } from "../../livekit/index.js";
import { interruptSignal } from "../interruptSignal.js";

interface LiveKitCommandOptions {
  port: string;
  rtcTcpPort: string;
  rtcUdpPort: string;
  log?: string;
  logLevel: "debug" | "info" | "warn" | "error";
  room: string;
  token: string[];
}

function port(value: string, name: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65_535) {
    throw new Error(`${name} must be a port number (0 picks a free one), got "${value}"`);
  }
  return n;
}

/** Adds `foxglove-remote livekit`: a local LiveKit dev server in the foreground. */
export function addLivekitCommand(program: Command): void {
  program
    .command("livekit")
    .description(
      "run a local LiveKit server for development (loopback only; builds it on first use); Ctrl-C stops it",
    )
    .option("--port <port>", "HTTP/WebSocket port (0 = any free port)", "7880")
    .option("--rtc-tcp-port <port>", "ICE over TCP port (0 = any free port)", "7881")
    .option("--rtc-udp-port <port>", "ICE over UDP port (0 = any free port)", "7882")
    .option("--log <file>", "append the server's log to this file")
    .option("--log-level <level>", "server log level: debug, info, warn, error", "info")
    .option("--room <name>", "room for tokens printed with --token", "dev")
    .option(
      "--token <identity>",
      "print an access token for this identity (repeatable)",
      (v: string, all: string[]) => [...all, v],
      [] as string[],
    )
    .addHelpText(
      "after",
      "\nExit codes: 0 stopped by Ctrl-C or SIGTERM; 1 the server could not start (port taken, " +
        "binary missing or failed to build) or exited unexpectedly; 130 a second Ctrl-C.",
    )
    .action(async (options: LiveKitCommandOptions) => {
      const server = await startDevServer({
        port: port(options.port, "--port"),
        rtcTcpPort: port(options.rtcTcpPort, "--rtc-tcp-port"),
        rtcUdpPort: port(options.rtcUdpPort, "--rtc-udp-port"),
        logLevel: options.logLevel,
        ...(options.log !== undefined ? { logFile: options.log } : {}),
        onProgress: (line) => process.stderr.write(`${line}\n`),
      });
      // Listening before the banner: a Ctrl-C as soon as it shows stops the server too (Node's
      // default would end this process at once and leave the server running).
      using interrupt = interruptSignal();
      interrupt.signal.addEventListener("abort", () => void server.stop(), { once: true });
      const out = [
        `LiveKit dev server running (pid ${server.pid})`,
        `  url:        ${server.url}`,
        `  api key:    ${server.apiKey}`,
        `  api secret: ${server.apiSecret}`,
        `  ports:      http ${server.ports.http}, ice-tcp ${server.ports.rtcTcp}, ice-udp ${server.ports.rtcUdp}`,
      ];
      if (server.logPath !== undefined) {
        out.push(`  log:        ${server.logPath}`);
      }
      for (const identity of options.token) {
        const token = await mintDevToken({
          apiKey: server.apiKey,
          apiSecret: server.apiSecret,
          room: options.room,
          identity,
        });
        out.push(`  token for ${identity} in room ${options.room}: ${token}`);
      }
      out.push("Press Ctrl-C to stop.");
      process.stdout.write(`${out.join("\n")}\n`);
      const code = await server.exited;
      if (!interrupt.signal.aborted) {
        process.stderr.write(`livekit-server exited unexpectedly (${String(code)})\n`);
        process.exitCode = 1;
      } else if (code !== "SIGTERM" && code !== "SIGKILL" && code !== 0) {
        process.stderr.write(`livekit-server exited unexpectedly (${String(code)})\n`);
        process.exitCode = 1;
      } else {
        if (code === "SIGKILL") {
          // Stopped as asked, though not by itself: it outlived the grace period of `stop()`.
          process.stderr.write("livekit-server did not stop within 5 s of SIGTERM; killed\n");
        }
        process.stdout.write("LiveKit dev server stopped\n");
      }
    });
}
