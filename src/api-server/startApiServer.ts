import { createServer } from "node:http";
import { describeError } from "../core/describeError.js";
import type { Duplex } from "node:stream";
import { FoxgloveError } from "../core/FoxgloveError.js";
import { log } from "../core/logger.js";
import { nowNanos } from "../core/time.js";
import { ApiServer } from "./ApiServer.js";
import { resolveApiServerOptions } from "./ApiServerOptions.js";
import type { ApiServerOptions } from "./ApiServerOptions.js";

/** Largest request head (request line and headers) accepted; larger ones get 431. */
const MAX_HEADER_BYTES = 16_384;

/** The status for a request Node's parser refused: 431 oversized head, 408 too slow, else 400. */
function clientErrorStatus(error: Error & { code?: string }): string {
  if (error.code === "HPE_HEADER_OVERFLOW") {
    return "431 Request Header Fields Too Large";
  }
  return error.code === "ERR_HTTP_REQUEST_TIMEOUT" ? "408 Request Timeout" : "400 Bad Request";
}

/**
 * Answers a malformed, oversized or too-slow request and destroys its socket at once, without
 * waiting for the client to close its side (a half-open socket would otherwise be held forever).
 */
function answerClientError(error: Error, socket: Duplex): void {
  if (socket.writable && !socket.writableEnded) {
    const head = `HTTP/1.1 ${clientErrorStatus(error)}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`;
    socket.end(head, () => socket.destroy());
    // A client that does not read may never let the answer flush.
    setTimeout(() => socket.destroy(), 1000).unref();
  } else {
    socket.destroy();
  }
}

/**
 * Starts a device API server and resolves once it listens.
 *
 * @throws FoxgloveError `ERR_CONFIGURATION` for bad options, `ERR_BIND` when it cannot listen.
 */
export async function startApiServer(options: ApiServerOptions = {}): Promise<ApiServer> {
  const resolved = resolveApiServerOptions(options);
  options.signal?.throwIfAborted();
  const server = createServer({
    requestTimeout: resolved.requestTimeoutMs,
    headersTimeout: resolved.headersTimeoutMs,
    connectionsCheckingInterval: Math.min(1000, Math.ceil(resolved.headersTimeoutMs / 4)),
    maxHeaderSize: MAX_HEADER_BYTES,
  });
  server.on("clientError", answerClientError);
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
