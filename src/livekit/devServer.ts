import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, mkdirSync, type WriteStream } from "node:fs";
import { networkInterfaces } from "node:os";
import { dirname } from "node:path";
import { ensureLiveKitServer } from "../../scripts/livekit-server.mjs";
import { describeError } from "../core/describeError.js";
import { FoxgloveError } from "../core/FoxgloveError.js";
import type { IceServerConfig } from "./connectRoom.js";
import { checkTcpPortFree, freeTcpPort, freeUdpPort } from "./freePorts.js";

/** Options of {@link startDevServer}. */
export interface DevServerOptions {
  /** livekit-server binary (default: found or built by scripts/livekit-server.mjs). */
  binary?: string;
  /** HTTP/WebSocket port; 0 picks a free one (default 0). */
  port?: number;
  /** ICE-TCP port; 0 picks a free one (default 0). */
  rtcTcpPort?: number;
  /** ICE-UDP port; 0 picks a free one (default 0). */
  rtcUdpPort?: number;
  /** API key (default "devkey", the server's dev-mode key). */
  apiKey?: string;
  /** API secret (default "secret", the server's dev-mode secret). */
  apiSecret?: string;
  /** Appends the server's output to this file (directories are created); default: not kept. */
  logFile?: string;
  /** The server's log level (default "info"). */
  logLevel?: "debug" | "info" | "warn" | "error";
  /** How long to wait for the server to answer HTTP, ms (default 30 000). */
  startTimeoutMs?: number;
  /** Receives progress lines while the binary is being built (default: stderr). */
  onProgress?: (line: string) => void;
}

/** A running local livekit-server (see {@link startDevServer}). */
export interface DevServer extends AsyncDisposable {
  /** WebSocket URL for clients, e.g. ws://127.0.0.1:41234. */
  readonly url: string;
  /** HTTP base URL (same port), e.g. for the room service API. */
  readonly httpUrl: string;
  /** API key to mint tokens with. */
  readonly apiKey: string;
  /** API secret to mint tokens with. */
  readonly apiSecret: string;
  /** The ports in use. */
  readonly ports: { readonly http: number; readonly rtcTcp: number; readonly rtcUdp: number };
  /** ICE servers for `connectRoom` that keep ICE gathering on loopback. */
  readonly iceServers: IceServerConfig[];
  /** Where the server's output goes, if kept. */
  readonly logPath: string | undefined;
  /** The server's process id. */
  readonly pid: number;
  /** Resolves with the exit code (or signal name) when the server process ends. */
  readonly exited: Promise<number | string>;
  /** Stops the server (SIGTERM, then SIGKILL after 5 s). Idempotent. */
  stop(): Promise<void>;
}

const HOST = "127.0.0.1";

/** The YAML config for a loopback-only dev server (pure; exported for tests). */
export function devServerConfig(options: {
  port: number;
  rtcTcpPort: number;
  rtcUdpPort: number;
  logLevel: string;
  loopbackInterfaces: readonly string[];
}): string {
  const ifaces = options.loopbackInterfaces.map((n) => JSON.stringify(n)).join(", ");
  return [
    `port: ${options.port}`,
    `bind_addresses: ["${HOST}"]`,
    "rtc:",
    `  tcp_port: ${options.rtcTcpPort}`,
    `  udp_port: ${options.rtcUdpPort}`,
    `  node_ip: ${HOST}`,
    "  use_external_ip: false",
    "  enable_loopback_candidate: true",
    ...(ifaces === "" ? [] : [`  interfaces:`, `    includes: [${ifaces}]`]),
    `  stun_servers: ["${HOST}:${options.rtcUdpPort}"]`,
    "turn:",
    "  enabled: false",
    "logging:",
    `  level: ${options.logLevel}`,
    "",
  ].join("\n");
}

function loopbackInterfaceNames(): string[] {
  return Object.entries(networkInterfaces())
    .filter(([, addrs]) => addrs?.some((a) => a.internal) === true)
    .map(([name]) => name);
}

/**
 * Starts livekit-server in dev mode on loopback only, on free ports, configured so that neither
 * it nor its clients contact STUN servers on the internet. Resolves once it answers HTTP.
 * Rejects with FoxgloveError ERR_IO when the binary is missing (the message says what to install)
 * or the server fails to start (the message includes its last output), ERR_BIND when a port
 * given explicitly is taken.
 */
export async function startDevServer(options: DevServerOptions = {}): Promise<DevServer> {
  let binary: string;
  try {
    binary =
      options.binary ??
      (await ensureLiveKitServer(options.onProgress ? { say: options.onProgress } : {}));
  } catch (cause) {
    throw new FoxgloveError("ERR_IO", cause instanceof Error ? cause.message : String(cause), {
      cause,
    });
  }
  const attempts = options.port || options.rtcTcpPort || options.rtcUdpPort ? 1 : 3;
  let lastError: unknown;
  for (let attempt = 0; attempt < attempts; attempt++) {
    try {
      return await startOnce(binary, options);
    } catch (error) {
      lastError = error; // Most likely a port taken between probing and binding: try new ports.
    }
  }
  throw lastError;
}

async function startOnce(binary: string, options: DevServerOptions): Promise<DevServer> {
  for (const [flag, port] of [
    ["--port", options.port],
    ["--rtc-tcp-port", options.rtcTcpPort],
  ] as const) {
    if (port) {
      try {
        await checkTcpPortFree(port, HOST);
      } catch (error) {
        // livekit-server would report this only in its log, or (for the HTTP port) a server
        // already there would answer our readiness check in its stead.
        throw new FoxgloveError(
          "ERR_BIND",
          `cannot start the LiveKit server: ${HOST}:${port} (${flag}) is not free: ` +
            `${describeError(error)}; is another LiveKit server running? Choose another port ` +
            "(0 = any free one)",
          { cause: error },
        );
      }
    }
  }
  const ports = {
    http: options.port || (await freeTcpPort(HOST)),
    rtcTcp: options.rtcTcpPort || (await freeTcpPort(HOST)),
    rtcUdp: options.rtcUdpPort || (await freeUdpPort(HOST)),
  };
  const apiKey = options.apiKey ?? "devkey";
  const apiSecret = options.apiSecret ?? "secret";
  const config = devServerConfig({
    port: ports.http,
    rtcTcpPort: ports.rtcTcp,
    rtcUdpPort: ports.rtcUdp,
    logLevel: options.logLevel ?? "info",
    loopbackInterfaces: loopbackInterfaceNames(),
  });
  const args = ["--dev", "--node-ip", HOST, "--bind", HOST, "--config-body", config];
  const env: NodeJS.ProcessEnv = { ...process.env, LIVEKIT_KEYS: `${apiKey}: ${apiSecret}` };
  for (const name of [
    "LIVEKIT_CONFIG",
    "LIVEKIT_CONFIG_FILE",
    "REDIS_HOST",
    "REDIS_PASSWORD",
    "UDP_PORT",
    "NODE_IP",
  ]) {
    delete env[name]; // Settings the server reads from the environment would override ours.
  }

  let logStream: WriteStream | undefined;
  if (options.logFile !== undefined) {
    mkdirSync(dirname(options.logFile), { recursive: true });
    logStream = createWriteStream(options.logFile, { flags: "a" });
  }
  const child = spawn(binary, args, { env, stdio: ["ignore", "pipe", "pipe"] });
  let tail = "";
  const onOutput = (chunk: Buffer) => {
    logStream?.write(chunk);
    tail = (tail + chunk.toString()).slice(-8_000);
  };
  child.stdout?.on("data", onOutput);
  child.stderr?.on("data", onOutput);

  const exited = new Promise<number | string>((resolve) => {
    child.once("error", () => resolve("spawn-error"));
    child.once("exit", (code, signal) => resolve(code ?? signal ?? "unknown"));
  });
  exited
    .then(() => new Promise<void>((resolve) => (logStream ? logStream.end(resolve) : resolve())))
    .catch(() => undefined);
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);

  const httpUrl = `http://${HOST}:${ports.http}`;
  const deadline = Date.now() + (options.startTimeoutMs ?? 30_000);
  const ready = await waitUntilServing(httpUrl, exited, deadline);
  if (ready !== "ok") {
    process.off("exit", killOnExit);
    await stopChild(child, exited);
    const why = ready === "exited" ? "exited during startup" : "did not answer in time";
    throw new FoxgloveError("ERR_IO", `livekit-server ${why}. Last output:\n${tail}`);
  }

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      process.off("exit", killOnExit);
      await stopChild(child, exited);
    })();
    return stopping;
  };
  return {
    url: `ws://${HOST}:${ports.http}`,
    httpUrl,
    apiKey,
    apiSecret,
    ports,
    iceServers: [{ urls: [`stun:${HOST}:${ports.rtcUdp}`] }],
    logPath: options.logFile,
    pid: child.pid ?? -1,
    exited,
    stop,
    [Symbol.asyncDispose]: stop,
  };
}

/** Polls `url` until it answers 200, the process exits, or the deadline passes. */
async function waitUntilServing(
  url: string,
  exited: Promise<number | string>,
  deadline: number,
): Promise<"ok" | "exited" | "timeout"> {
  let hasExited = false;
  void exited.then(() => (hasExited = true));
  while (Date.now() < deadline) {
    if (hasExited) {
      return "exited";
    }
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1_000) });
      await res.arrayBuffer();
      if (res.ok) {
        return "ok";
      }
    } catch {
      // Not listening yet.
    }
    // Wait for the next poll or for the process to exit, whichever comes first.
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 100))]);
  }
  return hasExited ? "exited" : "timeout";
}

async function stopChild(child: ChildProcess, exited: Promise<number | string>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return;
  }
  child.kill("SIGTERM");
  let timer: NodeJS.Timeout | undefined;
  const killed = await Promise.race([
    exited.then(() => false),
    new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(true), 5_000);
    }),
  ]);
  clearTimeout(timer);
  if (killed) {
    child.kill("SIGKILL");
    await exited;
  }
}
