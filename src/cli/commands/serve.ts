import type { Command } from "commander";
import { Context } from "../../core/Context.js";
import { startServer } from "../../websocket/index.js";
import { DEMO_TOPICS, DemoRobot, demoQos } from "../demo/DemoRobot.js";
import { interruptSignal } from "../interruptSignal.js";
import { parsePort, seconds } from "../viewerAccess.js";

interface ServeFlags {
  host: string;
  port: number;
  name: string;
  duration?: number;
}

/**
 * Adds `foxglove-remote serve`: the sample device (the demo's robot) on a local WebSocket server
 * that the Foxglove app opens directly, no remote access needed.
 */
export function addServeCommand(program: Command): void {
  program
    .command("serve")
    .description(
      "serve the sample device's channels " +
        `(${DEMO_TOPICS.map((t) => t.topic).join(", ")}) on a local WebSocket server; Ctrl-C stops it`,
    )
    .option("--host <address>", "interface to listen on", "127.0.0.1")
    .option("--port <port>", "port (0 = any free port)", parsePort, 8765)
    .option("--name <name>", "server name shown to clients", "demo-robot")
    .option("--duration <s>", "stop by itself after this many seconds", seconds)
    .addHelpText(
      "after",
      "\nExit codes: 0 stopped by Ctrl-C, SIGTERM or --duration; 1 could not start (port in " +
        "use, bad address); 130 a second Ctrl-C.",
    )
    .action(async (flags: ServeFlags) => {
      using interrupt = interruptSignal();
      const context = new Context();
      using robot = new DemoRobot(context);
      await using server = await startServer({
        context,
        host: flags.host,
        port: flags.port,
        name: flags.name,
        qosClassifier: demoQos,
      });
      robot.start();
      process.stdout.write(`Serving "${flags.name}" on ${server.url}; Ctrl-C stops it\n`);
      await new Promise<void>((resolve) => {
        const timer =
          flags.duration === undefined ? undefined : setTimeout(resolve, flags.duration * 1000);
        interrupt.signal.addEventListener("abort", () => {
          clearTimeout(timer);
          resolve();
        });
      });
      robot.stop();
      process.stdout.write("Stopped.\n");
    });
}
