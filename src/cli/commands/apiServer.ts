import { once } from "node:events";
import { readFile } from "node:fs/promises";
import type { Command } from "commander";
import { InvalidArgumentError } from "commander";
import { FoxgloveError } from "../../core/FoxgloveError.js";
import { startApiServer } from "../../api-server/startApiServer.js";
import { TEST_DEVICE } from "../../api-server/ApiServerOptions.js";
import type { ApiServerOptions } from "../../api-server/ApiServerOptions.js";
import { parseApiServerConfig, parseDeviceFlag } from "../../api-server/parseApiServerConfig.js";
import { VIEWER_CONNECT_PATH } from "../../api-server/routes.js";
import { interruptSignal } from "../interruptSignal.js";

/** The port `foxglove-remote api-server` listens on by default. */
export const DEFAULT_API_SERVER_PORT = 8780;

/** Flags of `foxglove-remote api-server` as commander parses them. */
export interface ApiServerFlags {
  host?: string;
  port?: number;
  config?: string;
  device: string[];
  livekitUrl?: string;
  livekitApiKey?: string;
  livekitApiSecret?: string;
  viewerKey?: string;
  heartbeatInterval?: number;
  deviceWait?: number;
  wakeOnWatch?: boolean;
  verbose?: boolean;
}

function integer(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new InvalidArgumentError("expected a whole number >= 0");
  }
  return n;
}

function defined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * Merges command-line flags over the config file over environment variables (`LIVEKIT_URL`,
 * `LIVEKIT_API_KEY`, `LIVEKIT_API_SECRET`, `FOXGLOVE_VIEWER_KEY`) over defaults (port 8780; the
 * reference's test device when no device is given anywhere). Pure.
 */
export function apiServerOptionsFrom(
  flags: ApiServerFlags,
  file: ApiServerOptions,
  env: Record<string, string | undefined>,
): ApiServerOptions {
  const flagDevices = flags.device.map(parseDeviceFlag);
  const options: ApiServerOptions = {
    ...file,
    port: flags.port ?? file.port ?? DEFAULT_API_SERVER_PORT,
    devices: flagDevices.length > 0 ? flagDevices : (file.devices ?? [TEST_DEVICE]),
    livekit: {
      ...defined({
        url: env.LIVEKIT_URL,
        apiKey: env.LIVEKIT_API_KEY,
        apiSecret: env.LIVEKIT_API_SECRET,
      }),
      ...file.livekit,
      ...defined({
        url: flags.livekitUrl,
        apiKey: flags.livekitApiKey,
        apiSecret: flags.livekitApiSecret,
      }),
    },
    ...defined({
      host: flags.host ?? file.host,
      viewerKey: flags.viewerKey ?? file.viewerKey ?? env.FOXGLOVE_VIEWER_KEY,
      heartbeatIntervalMs: flags.heartbeatInterval ?? file.heartbeatIntervalMs,
      deviceWaitForViewerMs: flags.deviceWait ?? file.deviceWaitForViewerMs,
      wakeOnWatch: flags.wakeOnWatch ?? file.wakeOnWatch,
    }),
  };
  return options;
}

async function run(flags: ApiServerFlags): Promise<void> {
  let file: ApiServerOptions = {};
  if (flags.config !== undefined) {
    let json: unknown;
    try {
      json = JSON.parse(await readFile(flags.config, "utf8"));
    } catch (error) {
      throw new FoxgloveError("ERR_CONFIGURATION", `cannot read config file ${flags.config}`, {
        cause: error,
      });
    }
    file = parseApiServerConfig(json);
  }
  using interrupt = interruptSignal();
  const options = apiServerOptionsFrom(flags, file, process.env);
  const server = await startApiServer({ ...options, signal: interrupt.signal });
  if (flags.verbose === true) {
    server.on("request", (r) => {
      const device = r.deviceId !== undefined ? ` ${r.deviceId}` : "";
      console.log(`${r.method} ${r.path} -> ${r.status}${device}`);
    });
    server.on("wake", (w) => console.log(`wake ${w.deviceId} -> room ${w.room}`));
  }
  const devices = server.devices().map((d) => `${d.id} (${d.name})`);
  const livekit = { url: "ws://127.0.0.1:7880", apiKey: "devkey", ...options.livekit };
  console.log(`foxglove-remote api-server listening on ${server.url}`);
  console.log(`  devices: ${devices.join(", ") || "none"}`);
  console.log(`  LiveKit: ${livekit.url} (API key ${livekit.apiKey})`);
  console.log(
    `  viewers: POST ${server.url}${VIEWER_CONNECT_PATH}` +
      (options.viewerKey !== undefined ? " (viewer key required)" : " (no viewer key)"),
  );
  console.log(`  devices connect with FOXGLOVE_API_URL=${server.url}`);
  const host = options.host ?? "127.0.0.1";
  const loopback = /^(127\.|::1$|localhost$)/.test(host);
  if (options.devices?.includes(TEST_DEVICE) === true && !loopback) {
    console.error("warning: the public test device token is accepted on a non-loopback address");
  }
  if (options.viewerKey === undefined && !loopback) {
    console.error(
      "warning: no viewer key on a non-loopback address: anyone who reaches it can view devices",
    );
  }
  console.log("Press Ctrl-C to stop.");
  if (!interrupt.signal.aborted) {
    await once(interrupt.signal, "abort");
  }
  await server.stop();
  console.log("api-server stopped");
}

/** Adds `foxglove-remote api-server`: runs the device API server in the foreground. */
export function addApiServerCommand(program: Command): void {
  program
    .command("api-server")
    .description(
      "run the device API (device-info, SSE watch, heartbeat) and the viewer endpoint, " +
        "for self-hosting and local demos",
    )
    .option("--host <host>", "interface to listen on (default: 127.0.0.1)")
    .option(
      "-p, --port <port>",
      `port, 0 for any free one (default: ${DEFAULT_API_SERVER_PORT})`,
      integer,
    )
    .option("-c, --config <file>", "JSON config file (keys as in docs/api-server.md)")
    .option(
      "-d, --device <id:name:token>",
      "a device; repeatable (default: the test device dev_testdevice)",
      (value: string, all: string[]) => [...all, value],
      [],
    )
    .option("--livekit-url <url>", "LiveKit URL (env LIVEKIT_URL; default: ws://127.0.0.1:7880)")
    .option("--livekit-api-key <key>", "LiveKit API key (env LIVEKIT_API_KEY; default: devkey)")
    .option(
      "--livekit-api-secret <secret>",
      "LiveKit API secret (env LIVEKIT_API_SECRET; default: secret)",
    )
    .option(
      "--viewer-key <key>",
      "key viewers must send as a Bearer token (env FOXGLOVE_VIEWER_KEY)",
    )
    .option(
      "--heartbeat-interval <ms>",
      "heartbeatIntervalMs sent in hello (default: 5000)",
      integer,
    )
    .option("--device-wait <ms>", "deviceWaitForViewerMs sent in hello (default: 300000)", integer)
    .option("--wake-on-watch", "wake every device as soon as it watches (like the reference mock)")
    .option("-v, --verbose", "print every request (tokens redacted) and wake")
    .addHelpText(
      "after",
      "\nExit codes: 0 stopped by Ctrl-C or SIGTERM; 1 could not start (bad config, port in " +
        "use); 130 a second Ctrl-C.",
    )
    .action(async (flags: ApiServerFlags) => {
      try {
        await run(flags);
      } catch (error) {
        console.error(`api-server: ${(error as Error).message}`);
        process.exitCode = 1;
      }
    });
}
