import type { ServerResponse } from "node:http";
import { formatSseComment, formatSseEvent } from "./sseFormat.js";

/** The query parameters of a watch request that the server uses. */
export interface WatchQuery {
  readonly protocolVersion: string | undefined;
  readonly remoteAccessSessionId: string | undefined;
  readonly previousWatchLeaseId: string | undefined;
}

/**
 * One open SSE watch response: writes events and comments, sends periodic `: keepalive`
 * comments, and can be ended cleanly or reset. Writes after close are ignored.
 */
export class WatchStream {
  readonly deviceId: string;
  readonly query: WatchQuery;
  /** The lease granted to this stream (named in its `hello`), if any. */
  leaseId: string | undefined;
  /** True once the `hello` was written. */
  helloSent = false;
  /** True once a wake was claimed for this stream (no second wake). */
  woken = false;
  readonly #res: ServerResponse;
  readonly #keepAliveMs: number;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(res: ServerResponse, deviceId: string, query: WatchQuery, keepAliveMs: number) {
    this.#res = res;
    this.deviceId = deviceId;
    this.query = query;
    this.#keepAliveMs = keepAliveMs;
    res.once("close", () => {
      this.#closed = true;
      this.stopKeepAlive();
    });
  }

  /** True once the response is finished or the connection is gone. */
  get closed(): boolean {
    return this.#closed || this.#res.destroyed || this.#res.writableEnded;
  }

  /** Sends the 200 SSE response headers at once. */
  open(): void {
    this.#res.socket?.setNoDelay(true);
    this.#res.socket?.setTimeout(0);
    this.#res.writeHead(200, {
      "Content-Type": "text/event-stream; charset=utf-8",
      "Cache-Control": "no-store",
      Connection: "keep-alive",
      "X-Accel-Buffering": "no",
    });
    this.#res.flushHeaders();
  }

  /** Writes raw text to the stream; false when the stream is closed. */
  write(text: string): boolean {
    if (this.closed) {
      return false;
    }
    this.#res.write(text);
    return true;
  }

  /** Writes one event (see {@link formatSseEvent}). */
  sendEvent(event: string, data: string): boolean {
    return this.write(formatSseEvent(event, data));
  }

  /** Writes one comment line. */
  sendComment(text: string): boolean {
    return this.write(formatSseComment(text));
  }

  /** Starts (or restarts) the periodic keep-alive comments. */
  startKeepAlive(): void {
    this.stopKeepAlive();
    if (!this.closed) {
      this.#timer = setInterval(() => this.sendComment("keepalive"), this.#keepAliveMs);
    }
  }

  /** Stops the keep-alive comments; the stream then goes silent. */
  stopKeepAlive(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** Ends the stream cleanly (the client sees end of stream). */
  end(): void {
    this.stopKeepAlive();
    if (!this.closed) {
      this.#res.end();
    }
  }

  /** Destroys the connection abruptly (the client sees a transport error). */
  reset(): void {
    this.stopKeepAlive();
    this.#res.socket?.resetAndDestroy();
    this.#res.destroy();
  }
}
