import { InvalidArgumentError, type Command } from "commander";
import { Context } from "../../core/Context.js";
import { startGateway } from "../../gateway/startGateway.js";
import { McapPlayer } from "../../mcap/McapPlayer.js";
import { startServer, type WebSocketServer } from "../../websocket/index.js";
import { interruptSignal } from "../interruptSignal.js";
import { parsePort } from "../viewerAccess.js";

interface PlayFlags {
  speed: number;
  host: string;
  port: number;
  ws: boolean;
  gateway?: boolean;
  paused?: boolean;
}

/**
 * Adds `foxglove-remote play <file.mcap>`: replays a recording into a context served by a local
 * WebSocket server (with playback control) and/or the remote access gateway, until Ctrl-C.
 */
export function addPlayCommand(program: Command): void {
  program
    .command("play")
    .description(
      "replay an MCAP file to the Foxglove app over a local WebSocket server and/or remote access",
    )
    .argument("<file>", "the MCAP file to play")
    .option("--speed <factor>", "playback speed (1 = as recorded)", parseSpeed, 1)
    .option("--host <address>", "WebSocket server interface", "127.0.0.1")
    .option("--port <port>", "WebSocket server port (0 = any free port)", parsePort, 8765)
    .option("--no-ws", "do not start the local WebSocket server")
    .option(
      "--gateway",
      "also serve remote access (FOXGLOVE_DEVICE_TOKEN, FOXGLOVE_API_URL from the environment)",
    )
    .option("--paused", "start paused (a client's play starts it)")
    .addHelpText(
      "after",
      "\nExit codes: 0 stopped by Ctrl-C or SIGTERM (at the end of the file it waits for a seek " +
        "or play); 1 could not start (file unreadable or not MCAP, port in use, gateway " +
        "configuration); 130 a second Ctrl-C.",
    )
    .action(async (file: string, flags: PlayFlags) => {
      const context = new Context();
      let server: WebSocketServer | undefined;
      const player = await McapPlayer.open(file, {
        context,
        speed: flags.speed,
        paused: flags.paused === true,
        onTime: (time) => server?.broadcastTime(time),
        onState: (state) => {
          server?.broadcastPlaybackState(state);
          process.stdout.write(`Reached the end (${player.logged} messages).\n`);
        },
      });
      using interrupt = interruptSignal();
      let gateway: ReturnType<typeof startGateway> | undefined;
      try {
        if (flags.gateway === true) {
          gateway = startGateway({ context });
        }
        if (flags.ws) {
          server = await startServer({
            context,
            host: flags.host,
            port: flags.port,
            name: `play ${file}`,
            playback: {
              timeRange: { start: player.startTime, end: player.endTime },
              onControl: (request) => player.control(request),
            },
          });
          process.stdout.write(`Serving ${file} on ${server.url}\n`);
        }
        await player.run(interrupt.signal);
      } finally {
        await server?.stop();
        await gateway?.stop();
        await player.close();
        context.close();
      }
      process.stdout.write(`Stopped after ${player.logged} messages.\n`);
    });
}

function parseSpeed(value: string): number {
  const n = Number(value);
  if (!(n > 0) || !Number.isFinite(n)) {
    throw new InvalidArgumentError("expected a number > 0");
  }
  return n;
}
