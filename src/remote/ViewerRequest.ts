import { FoxgloveError } from "../core/FoxgloveError.js";
import { log } from "../core/logger.js";
import type { ServerMessage } from "../protocol/index.js";
import type { Semaphore, SemaphorePermit } from "./Semaphore.js";
import type { ViewerConnection } from "./ViewerConnection.js";
import type { ViewerClient } from "./ViewerListener.js";

/** A connected viewer as the hub's features see it (internal). */
export interface HubViewer {
  readonly connection: ViewerConnection;
  /** Aborted when the viewer is disconnected from the hub or its connection ends. */
  readonly signal: AbortSignal;
  /** The listener's and handlers' handle on it. */
  readonly client: ViewerClient;
  /** Its service calls in flight. */
  readonly serviceCalls: Semaphore;
  /** Its asset fetches in flight. */
  readonly assetFetches: Semaphore;
  /** Its parameter get/set requests in flight (shared). */
  readonly parameterRequests: Semaphore;
}

/** One viewer request answered by a device handler (service call, parameter get/set, asset). */
export interface ViewerRequestOptions<T> {
  /** The viewer that asked. */
  readonly connection: ViewerConnection;
  /** The viewer's lifetime: when it aborts, the request ends without a reply. */
  readonly viewerSignal: AbortSignal;
  /** Its in-flight slot, released when the request ends (answered, failed, timed out, or left). */
  readonly permit: SemaphorePermit;
  /** The handler gets this long (ms) before the request fails with `timeoutMessage`. */
  readonly timeoutMs: number;
  readonly timeoutMessage: string;
  /** True while the viewer is still connected: a reply to a viewer that left is dropped. */
  readonly isConnected: () => boolean;
  /**
   * Runs the handler. Its signal aborts when the viewer leaves or the request times out. A
   * synchronous handler is answered synchronously.
   */
  readonly run: (signal: AbortSignal) => T | PromiseLike<T>;
  /** The reply for the handler's result (undefined: nothing is sent). May throw (→ `fail`). */
  readonly reply: (value: T) => ServerMessage | undefined;
  /** The reply for a failure: the handler's error message, or `timeoutMessage`. */
  readonly fail: (message: string) => ServerMessage | undefined;
}

/**
 * The hub's one pattern for "await the device's handler, then check the viewer is still
 * connected, then reply": at most one reply per request, a timeout instead of a slot held
 * forever, cancellation when the viewer leaves, and the slot released in every case. Never
 * rejects. Returns a promise that settles when the request has ended.
 */
export function runViewerRequest<T>(options: ViewerRequestOptions<T>): Promise<void> {
  const { connection, permit, viewerSignal } = options;
  if (viewerSignal.aborted) {
    permit.release();
    return Promise.resolve();
  }
  const controller = new AbortController();
  let done!: () => void;
  const ended = new Promise<void>((resolve) => (done = resolve));
  let finished = false;
  const onLeave = (): void => {
    controller.abort(viewerSignal.reason);
    finish(undefined);
  };
  const finish = (reply: (() => ServerMessage | undefined) | undefined): void => {
    if (finished) return;
    finished = true;
    clearTimeout(timer);
    viewerSignal.removeEventListener("abort", onLeave);
    permit.release();
    done();
    if (reply === undefined || !options.isConnected()) return;
    let message;
    try {
      message = reply();
    } catch (error) {
      message = options.fail(errorMessage(error));
    }
    if (message !== undefined) {
      connection.send(message);
    }
  };
  const timer = setTimeout(() => {
    controller.abort(new FoxgloveError("ERR_TIMEOUT", options.timeoutMessage));
    log.warn(`${options.timeoutMessage} (viewer ${connection.name})`);
    finish(() => options.fail(options.timeoutMessage));
  }, options.timeoutMs);
  viewerSignal.addEventListener("abort", onLeave, { once: true });
  let result: T | PromiseLike<T>;
  try {
    result = options.run(controller.signal);
  } catch (error) {
    finish(() => options.fail(errorMessage(error)));
    return ended;
  }
  if (isPromiseLike(result)) {
    result.then(
      (value) => finish(() => options.reply(value)),
      (error: unknown) => finish(() => options.fail(errorMessage(error))),
    );
  } else {
    const value = result;
    finish(() => options.reply(value));
  }
  return ended;
}

/** The text of a thrown value, as sent to the viewer. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function isPromiseLike<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as { then?: unknown }).then === "function"
  );
}
