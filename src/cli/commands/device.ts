import type { Command } from "commander";
import { TEST_DEVICE } from "../../api-server/ApiServerOptions.js";
import { Context } from "../../core/Context.js";
import { FoxgloveError } from "../../core/FoxgloveError.js";
import { startGateway } from "../../gateway/startGateway.js";
import { DEMO_TOPICS, DemoRobot, demoQos, TELEOP_TOPIC } from "../demo/DemoRobot.js";
import { interruptSignal } from "../interruptSignal.js";
import { DEFAULT_VIEWER_API_URL, seconds } from "../viewerAccess.js";

interface DeviceFlags {
  apiUrl?: string;
  name: string;
  duration?: number;
}

/**
 * Adds `foxglove-remote device`: a sample device (the demo's robot) whose gateway waits, dormant,
 * on the device API server until a viewer asks for it. Defaults suit `foxglove-remote api-server`
 * on this machine (its test device token).
 */
export function addDeviceCommand(program: Command): void {
  program
    .command("device")
    .description(
      "run a sample device: a gateway logging the demo robot's channels " +
        `(${DEMO_TOPICS.map((t) => t.topic).join(", ")}); Ctrl-C stops it`,
    )
    .option(
      "--api-url <url>",
      `device API server (env FOXGLOVE_API_URL, default ${DEFAULT_VIEWER_API_URL})`,
    )
    .option("--name <name>", "device name shown to viewers", "demo-robot")
    .option("--duration <s>", "stop by itself after this many seconds", seconds)
    .addHelpText(
      "after",
      `\nViewers can drive it: teleop on ${TELEOP_TOPIC} (JSON {"linear":{"x":1},"angular":{"z":0.5}}), ` +
        "services /stop and /reset_odometry, parameters speed_scale, max_angular, label; each " +
        "action is printed.\n" +
        "\nThe device token comes from env FOXGLOVE_DEVICE_TOKEN; default: the api-server's test " +
        `device token (${TEST_DEVICE.id}).\n` +
        "\nExit codes: 0 stopped by Ctrl-C, SIGTERM or --duration; 1 the gateway could not run " +
        "(bad URL, token rejected, no device API at the URL); 130 a second Ctrl-C.",
    )
    .action(async (flags: DeviceFlags) => {
      await runDevice(flags);
    });
}

async function runDevice(flags: DeviceFlags): Promise<void> {
  using interrupt = interruptSignal();
  const env = process.env;
  const nonEmpty = (v: string | undefined) => (v === undefined || v === "" ? undefined : v);
  const apiUrl = nonEmpty(flags.apiUrl) ?? nonEmpty(env.FOXGLOVE_API_URL) ?? DEFAULT_VIEWER_API_URL;
  const deviceToken = nonEmpty(env.FOXGLOVE_DEVICE_TOKEN) ?? TEST_DEVICE.token;
  const context = new Context();
  // Control actions (teleop commands, service calls, parameter sets) are printed as they happen.
  using robot = new DemoRobot(context, {
    onLog: (line) => process.stdout.write(`device "${flags.name}": ${line}\n`),
  });
  const controls = robot.gatewayOptions();
  const gateway = startGateway({
    name: flags.name,
    deviceToken,
    foxgloveApiUrl: apiUrl,
    signal: interrupt.signal,
    context,
    qosClassifier: demoQos,
    ...controls,
    listener: {
      ...controls.listener,
      onConnectionStatusChanged: (status) => {
        if (status === "connected") {
          process.stdout.write(`device "${flags.name}": ${status} to ${apiUrl}\n`);
        }
      },
    },
  });
  robot.publishParametersWith((values) => gateway.publishParameterValues(values));
  robot.start();
  process.stdout.write(
    `device "${flags.name}" logging ${DEMO_TOPICS.map((t) => t.topic).join(", ")}; ` +
      `Ctrl-C stops it\n`,
  );
  const timer =
    flags.duration === undefined
      ? undefined
      : setTimeout(() => void gateway.stop(), flags.duration * 1000);
  try {
    await gateway.waitForStatus("shutdown");
  } finally {
    clearTimeout(timer);
    robot.stop();
    context.close();
  }
  const reason = gateway.stopReason;
  if (reason !== undefined && reason !== "stopped") {
    throw new FoxgloveError("ERR_API", gatewayStopMessage(reason, apiUrl));
  }
  process.stdout.write(`device "${flags.name}" stopped\n`);
}

function gatewayStopMessage(reason: string, apiUrl: string): string {
  switch (reason) {
    case "unauthorized":
      return (
        `${apiUrl} answered 401: the device token was rejected (check FOXGLOVE_DEVICE_TOKEN), ` +
        "or the URL is not a device API server (check --api-url / FOXGLOVE_API_URL)"
      );
    case "notFound":
      return `no device API at ${apiUrl} (HTTP 404); check --api-url / FOXGLOVE_API_URL`;
    default:
      return `the gateway stopped (${reason})`;
  }
}
