import { createServer } from "node:http";
import { describeError } from "../core/describeError.js";
import { FoxgloveError } from "../core/FoxgloveError.js";
import { log } from "../core/logger.js";
import { nowNanos } from "../core/time.js";
import { ApiServer } from "./ApiServer.js";
import { resolveApiServerOptions } from "./ApiServerOptions.js";
import type { ApiServerOptions } from "./ApiServerOptions.js";

/**
 * Starts a device API server and resolves once it listens.
 *
 * @throws FoxgloveError `ERR_CONFIGURATION` for bad options, `ERR_BIND` when it cannot listen.
 */
export async function startApiServer(options: ApiServerOptions = {}): Promise<ApiServer> {
  const resolved = resolveApiServerOptions(options);
  options.signal?.throwIfAborted();
  const server = createServer({
    requestTimeout: 30_000,
    headersTimeout: 10_000,
    maxHeaderSize: 16_384,
  });
  server.on("clientError", (_error, socket) => {
    if (socket.writable) {
      socket.end("HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
    } else {
      socket.destroy();
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", (error) =>
      reject(
        new FoxgloveError(
          "ERR_BIND",
          `cannot listen on ${resolved.host}:${resolved.port}: ${describeError(error)}` +
            ((error as { code?: unknown }).code === "EADDRINUSE"
              ? " (another api-server running? choose another port, 0 = any free one)"
              : ""),
          { cause: error },
        ),
      ),
    );
    server.listen(resolved.port, resolved.host, () => resolve());
  });
  const api = new ApiServer(resolved, server, options.clock ?? nowNanos);
  if (options.signal !== undefined) {
    options.signal.addEventListener("abort", () => void api.stop(), { once: true });
  }
  log.info(`api-server: listening on ${api.url}`);
  return api;
}
