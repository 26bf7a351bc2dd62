import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  connectRoom,
  mintDevToken,
  startDevServer,
  type ConnectOptions,
  type DevServer,
  type LiveKitRoom,
} from "../../src/livekit/index.js";

const LOG_DIR = fileURLToPath(new URL("../../.test-logs/", import.meta.url));

/** A livekit-server for one test file, with helpers to mint tokens and join rooms. */
export interface TestLiveKitServer extends DevServer {
  /** Mints a token for `identity` in `room` (attributes e.g. `{ protocolVersion: "2.2.0" }`). */
  token(room: string, identity: string, attributes?: Record<string, string>): Promise<string>;
  /** Joins `room` as `identity` with loopback-only ICE servers. */
  join(
    room: string,
    identity: string,
    options?: ConnectOptions & { attributes?: Record<string, string> },
  ): Promise<LiveKitRoom>;
}

/**
 * Starts a livekit-server on free loopback ports (binary from LIVEKIT_SERVER_BIN, else found or
 * built by scripts/livekit-server.mjs) with its log under .test-logs/. The log path is printed
 * when the test process ends with a failure. Stop it in `after()`.
 */
export async function startLiveKitServer(name = "livekit"): Promise<TestLiveKitServer> {
  const logFile = join(LOG_DIR, `${name}-${process.pid}-${randomUUID().slice(0, 8)}.log`);
  const server = await startDevServer({
    logFile,
    logLevel: "debug",
    ...(process.env.LIVEKIT_SERVER_BIN ? { binary: process.env.LIVEKIT_SERVER_BIN } : {}),
  });
  const printOnFailure = () => {
    if (process.exitCode !== undefined && process.exitCode !== 0) {
      process.stderr.write(`livekit-server log: ${logFile}\n`);
    }
  };
  process.on("exit", printOnFailure);
  const token = (room: string, identity: string, attributes?: Record<string, string>) =>
    mintDevToken({
      apiKey: server.apiKey,
      apiSecret: server.apiSecret,
      room,
      identity,
      ...(attributes !== undefined ? { attributes } : {}),
    });
  return {
    ...server,
    token,
    async join(room, identity, options = {}) {
      const { attributes, ...connect } = options;
      return await connectRoom(server.url, await token(room, identity, attributes), {
        iceServers: server.iceServers,
        ...connect,
      });
    },
  };
}
