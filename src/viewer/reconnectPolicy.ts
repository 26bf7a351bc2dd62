/** Options of a viewer's automatic reconnection (`connectViewer({ reconnect })`). */
export interface ReconnectOptions {
  /** Wait before the first attempt, ms. Default 500. */
  initialDelayMs?: number;
  /** Longest wait between attempts, ms (the wait doubles up to it). Default 10 000. */
  maxDelayMs?: number;
  /** Attempts before giving up (the viewer then closes `disconnected`). Default unlimited. */
  maxAttempts?: number;
}

/**
 * How long a viewer waits after the device's participant left before it concludes that the
 * device left, ms. Events about our own connection (reconnecting, disconnected) that arrive in
 * this time show that it was this viewer that was cut off.
 */
export const DEVICE_LEFT_GRACE_MS = 3000;

/** A gap in the viewer's event loop this long (ms) means the process was stopped or starved. */
export const STALL_MS = 5000;

/**
 * The wait before reconnect attempt `attempt` (1 for the first), ms, or undefined when the
 * attempts are used up: `initialDelayMs` doubling up to `maxDelayMs`. Pure.
 */
export function reconnectDelay(
  attempt: number,
  options: ReconnectOptions = {},
): number | undefined {
  const max = options.maxAttempts ?? Number.POSITIVE_INFINITY;
  if (attempt > max) {
    return undefined;
  }
  const initial = options.initialDelayMs ?? 500;
  const cap = options.maxDelayMs ?? 10_000;
  return Math.min(cap, initial * 2 ** Math.min(attempt - 1, 30));
}

/** What the viewer knows when it must say why the device's participant went away. */
export interface DeviceLossFacts {
  /** Our own connection is reconnecting or has ended. */
  readonly connectionTrouble: boolean;
  /** How long the viewer's event loop had not run when the device left, ms. */
  readonly stalledMs: number;
}

/**
 * Why the device's participant disappeared, from this viewer's point of view: `disconnected`
 * when our own connection was in trouble or our process had been stalled (e.g. SIGSTOP: LiveKit
 * dropped us, and the room's participants went with our connection), else `deviceLeft`. Pure.
 */
export function judgeDeviceLoss(facts: DeviceLossFacts): "deviceLeft" | "disconnected" {
  return facts.connectionTrouble || facts.stalledMs >= STALL_MS ? "disconnected" : "deviceLeft";
}

/**
 * Measures how long the event loop has not run: a 1 s timer (unref'd) notes each turn. Read
 * {@link stalledMs} first thing in an event handler: after SIGSTOP/SIGCONT, I/O callbacks run
 * before timers, so the gap shows that the process was stopped.
 */
export class StallClock implements Disposable {
  #last = performance.now();
  readonly #timer: NodeJS.Timeout;

  constructor(periodMs = 1000) {
    this.#timer = setInterval(() => (this.#last = performance.now()), periodMs);
    this.#timer.unref();
  }

  /** Time since the timer last ran, ms: at most about one period while the process runs. */
  stalledMs(): number {
    return performance.now() - this.#last;
  }

  [Symbol.dispose](): void {
    clearInterval(this.#timer);
  }
}
