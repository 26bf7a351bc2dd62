import { randomBytes } from "node:crypto";
import { InvalidArgumentError, type Command } from "commander";
import { startApiServer } from "../../api-server/startApiServer.js";
import { Context } from "../../core/Context.js";
import { FoxgloveError } from "../../core/FoxgloveError.js";
import { setLogLevel } from "../../core/logger.js";
import { startGateway } from "../../gateway/startGateway.js";
import { startDevServer } from "../../livekit/index.js";
import { interruptSignal } from "../interruptSignal.js";
import { connectViewer, type Subscription } from "../../viewer/index.js";
import { DEMO_TOPICS, DemoRobot, demoQos, TELEOP_TOPIC } from "../demo/DemoRobot.js";
import { formatRates, RateTable } from "../demo/RateTable.js";
import { formatChannelTable } from "../formatViewerOutput.js";
import { seconds } from "../viewerAccess.js";

/** How to run this CLI from another terminal: the sources in a clone, else the installed package. */
const CLI = import.meta.url.endsWith(".ts") ? "npm run cli --" : "npx foxglove-remote";

interface DemoFlags {
  duration?: number;
  apiPort: number;
  livekitPort: number;
}

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65_535) {
    throw new InvalidArgumentError("expected a port number (0 = any free port)");
  }
  return n;
}

/**
 * Adds `foxglove-remote demo`: everything of remote access in one process, on loopback — a LiveKit
 * server, the device API server, a sample device logging a few channels through the gateway, and
 * a viewer that prints the channels and their live rates.
 */
export function addDemoCommand(program: Command): void {
  program
    .command("demo")
    .description(
      "run a LiveKit server, the device API server, a sample device and a viewer on this machine; " +
        "prints the device's channels and their live rates until Ctrl-C",
    )
    .option("--duration <s>", "stop by itself this many seconds after data starts flowing", seconds)
    .option("--api-port <port>", "port of the device API server (0 = any free port)", port, 0)
    .option("--livekit-port <port>", "port of the LiveKit server (0 = any free port)", port, 0)
    .addHelpText(
      "after",
      "\nExit codes: 0 stopped by Ctrl-C, SIGTERM or --duration; 1 a part failed to start or " +
        "the viewer lost the device; 130 a second Ctrl-C.",
    )
    .action(async (flags: DemoFlags) => {
      await runDemo(flags);
    });
}

async function runDemo(flags: DemoFlags): Promise<void> {
  if (process.env.FOXGLOVE_LOG_LEVEL === undefined) {
    setLogLevel("error"); // keep the live table readable; FOXGLOVE_LOG_LEVEL=info shows more
  }
  using interrupt = interruptSignal();
  const say = (line = ""): void => void process.stdout.write(`${line}\n`);
  const cleanups: (() => unknown)[] = [];
  const signal = interrupt.signal;
  try {
    say(
      "Starting the LiveKit server (it is built with Go on first use; that takes a few minutes)...",
    );
    const livekit = await startDevServer({
      port: flags.livekitPort,
      onProgress: (line) => say(`  ${line}`),
    });
    cleanups.push(() => livekit.stop());
    say(`  LiveKit server ${livekit.url} (pid ${livekit.pid})`);
    signal.throwIfAborted();

    const device = {
      id: "dev_demo",
      name: "demo-robot",
      token: `fox_dt_${randomBytes(16).toString("hex")}`,
    };
    const api = await startApiServer({
      devices: [device],
      port: flags.apiPort,
      livekit: { url: livekit.url, apiKey: livekit.apiKey, apiSecret: livekit.apiSecret },
    });
    cleanups.push(() => api.stop());
    say(`  device API server ${api.url}`);

    const context = new Context();
    cleanups.push(() => context.close());
    let lastAction = "none yet";
    const robot = new DemoRobot(context, { onLog: (line) => (lastAction = line) });
    robot.start();
    cleanups.push(() => robot.stop());
    const gateway = startGateway({
      name: device.name,
      deviceToken: device.token,
      foxgloveApiUrl: api.url,
      context,
      qosClassifier: demoQos,
      iceServers: livekit.iceServers,
      ...robot.gatewayOptions(),
    });
    robot.publishParametersWith((values) => gateway.publishParameterValues(values));
    cleanups.push(() => gateway.stop());
    await gateway.waitForStatus("connected", { signal });
    say(`  device "${device.name}" is online and dormant (watching the API server)`);

    say("Connecting a viewer through the API server (this wakes the device)...");
    const viewer = await connectViewer({
      apiUrl: api.url,
      device: device.id,
      iceServers: livekit.iceServers,
      signal,
    });
    cleanups.push(() => viewer.close());
    for (const t of DEMO_TOPICS) {
      await viewer.waitForChannel(t.topic, { timeoutMs: 10_000, signal });
    }
    say(`Connected to "${viewer.serverInfo?.name ?? "?"}". Its channels:`);
    say(formatChannelTable(viewer.channels));
    say();
    say("In another terminal, while this runs:");
    say(`  ${CLI} topics --api-url ${api.url}`);
    say(`  ${CLI} echo /imu --api-url ${api.url} --count 5`);
    say(`  ${CLI} echo /camera --api-url ${api.url} --count 60`);
    say(`  ${CLI} snapshot /camera camera.png --api-url ${api.url}`);
    say("Drive the robot (the last action shows under the rates):");
    say(
      `  ${CLI} publish ${TELEOP_TOPIC} '{"linear":{"x":1},"angular":{"z":0.5}}' --rate 5 --count 10 --api-url ${api.url}`,
    );
    say(`  ${CLI} call /stop --api-url ${api.url}`);
    say(`  ${CLI} param set speed_scale 2 --api-url ${api.url}`);
    say();

    const rates = new RateTable(
      Date.now(),
      DEMO_TOPICS.map((t) => t.topic),
    );
    const dataTopics = DEMO_TOPICS.filter((t) => t.video !== true);
    const subs: Subscription[] = dataTopics.map((t) =>
      viewer.subscribe(t.topic, { onMessage: () => rates.count(t.topic) }),
    );
    // Image topics arrive as video: count decoded frames.
    for (const t of DEMO_TOPICS.filter((d) => d.video === true)) {
      const frames = viewer.subscribe(t.topic, { video: true, signal });
      void (async () => {
        try {
          for await (const frame of frames) {
            rates.count(t.topic, frame.width > 0 ? 1 : 0);
          }
        } catch (error) {
          say(
            `  video of ${t.topic} ended: ${error instanceof Error ? error.message : String(error)}`,
          );
        }
      })();
    }
    const lostSeen = new Map<Subscription, number>();
    const started = Date.now();
    let rtt = "-";
    let drawn = 0;
    const tty = process.stdout.isTTY === true;
    const draw = () => {
      subs.forEach((s, i) => {
        const lost = s.lost - (lostSeen.get(s) ?? 0);
        lostSeen.set(s, s.lost);
        rates.count(dataTopics[i]!.topic, 0, lost);
      });
      const lines = [
        `Live rates after ${((Date.now() - started) / 1000).toFixed(0)} s (round trip ${rtt}):`,
        ...formatRates(rates.sample(Date.now())),
        `Last control action: ${lastAction}`,
      ];
      if (tty && drawn > 0) {
        process.stdout.write(`\x1b[${drawn}A`);
      }
      for (const line of lines) {
        process.stdout.write(tty ? `\x1b[2K${line}\n` : `${line}\n`);
      }
      drawn = lines.length;
      viewer.ping({ timeoutMs: 900 }).then(
        (ms) => (rtt = `${ms.toFixed(1)} ms`),
        () => (rtt = "-"),
      );
    };
    const ticker = setInterval(draw, 1000);
    cleanups.push(() => clearInterval(ticker));
    const ended = new Promise<string>((resolve) => {
      signal.addEventListener("abort", () => resolve("stopped"), { once: true });
      void viewer.closed.then((reason) => resolve(`viewer closed (${reason})`));
      if (flags.duration !== undefined) {
        const timer = setTimeout(() => resolve("duration reached"), flags.duration * 1000);
        cleanups.push(() => clearTimeout(timer));
      }
    });
    const why = await ended;
    clearInterval(ticker);
    const total = (Date.now() - started) / 1000;
    say();
    say(`Stopping (${why}). Received in ${total.toFixed(1)} s:`);
    for (const line of formatRates(
      rates.snapshot().map((r) => ({ ...r, hz: r.total / Math.max(total, 1e-3) })),
    )) {
      say(line);
    }
    if (viewer.isClosed && !signal.aborted) {
      throw viewer.closeError ?? new FoxgloveError("ERR_CHANNEL_CLOSED", "the viewer closed");
    }
  } catch (error) {
    if (!signal.aborted) {
      process.stderr.write(
        `foxglove-remote demo: ${error instanceof Error ? error.message : String(error)}\n`,
      );
      process.exitCode = 1;
    }
  } finally {
    for (const cleanup of cleanups.reverse()) {
      try {
        await cleanup();
      } catch (error) {
        process.stderr.write(`foxglove-remote demo: cleanup failed: ${String(error)}\n`);
      }
    }
    say("Demo stopped.");
  }
}
