import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { createInterface } from "node:readline";
import { FoxgloveError } from "../../src/core/FoxgloveError.js";
import { parseDeviceEvent, type DeviceEvent, type DeviceEventName } from "./deviceEvents.js";

/** Options of {@link DeviceProcess.start}. */
export interface DeviceProcessOptions {
  /** Executable, e.g. the venv's python or `process.execPath`. */
  command: string;
  /** Its arguments (script path first). */
  args: readonly string[];
  /** Extra environment (FOXGLOVE_API_URL, FOXGLOVE_DEVICE_TOKEN, ...), merged over ours. */
  env?: Record<string, string>;
  /** How many stderr lines to keep for error messages (default 100). */
  keepStderrLines?: number;
  /** Receives every stderr line (default: kept only). */
  onStderr?: (line: string) => void;
}

type Waiter = { match: (e: DeviceEvent) => boolean; resolve: (e: DeviceEvent) => void };

/**
 * A running bench device program (reference_device.py or ourDevice.ts): sends it commands on
 * stdin and lets the driver wait, with deadlines, for the events it prints. The device token goes
 * through the environment and never appears in arguments, events or errors.
 */
export class DeviceProcess implements AsyncDisposable {
  readonly #child: ChildProcessWithoutNullStreams;
  readonly #events: DeviceEvent[] = [];
  #waiters: Waiter[] = [];
  readonly #stderr: string[] = [];
  readonly #keep: number;
  readonly #exited: Promise<number | string>;
  #exit: number | string | undefined;

  private constructor(options: DeviceProcessOptions) {
    this.#keep = options.keepStderrLines ?? 100;
    this.#child = spawn(options.command, [...options.args], {
      env: { ...process.env, ...options.env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    this.#child.stdin.on("error", () => {}); // a dead child is reported through `exited`
    createInterface({ input: this.#child.stdout }).on("line", (line) => {
      const event = parseDeviceEvent(line);
      if (event !== undefined) this.#push(event);
    });
    createInterface({ input: this.#child.stderr }).on("line", (line) => {
      this.#stderr.push(line);
      if (this.#stderr.length > this.#keep) this.#stderr.shift();
      options.onStderr?.(line);
    });
    this.#exited = new Promise((resolve) => {
      this.#child.on("error", (error) => {
        this.#stderr.push(`spawn failed: ${error.message}`);
        this.#exit = "spawn-error";
        resolve("spawn-error");
      });
      this.#child.on("exit", (code, signal) => {
        this.#exit = code ?? signal ?? "unknown";
        resolve(this.#exit);
      });
    });
  }

  /** Spawns the program. Wait for its `started` event with {@link waitFor}. */
  static start(options: DeviceProcessOptions): DeviceProcess {
    return new DeviceProcess(options);
  }

  /** The process id. */
  get pid(): number | undefined {
    return this.#child.pid;
  }

  /** Every event received so far, oldest first. */
  get events(): readonly DeviceEvent[] {
    return this.#events;
  }

  /** The last stderr lines (bounded). */
  get stderrTail(): readonly string[] {
    return this.#stderr;
  }

  /** Resolves with the exit code or signal when the process ends. */
  get exited(): Promise<number | string> {
    return this.#exited;
  }

  /** Writes one command line (`warm`, `run`, `stop`). */
  send(command: string): void {
    if (this.#exit === undefined) this.#child.stdin.write(`${command}\n`);
  }

  /**
   * The first event named `name` (received at or after index `from` of {@link events}) that
   * satisfies `match`. Rejects with FoxgloveError ERR_TIMEOUT after `timeoutMs`, and ERR_IO when
   * the process exits first; both messages carry the stderr tail.
   */
  waitFor<N extends DeviceEventName>(
    name: N,
    options: {
      match?: (e: Extract<DeviceEvent, { event: N }>) => boolean;
      timeoutMs?: number;
      from?: number;
    } = {},
  ): Promise<Extract<DeviceEvent, { event: N }>> {
    type E = Extract<DeviceEvent, { event: N }>;
    const test = (e: DeviceEvent): boolean =>
      e.event === name && (options.match === undefined || options.match(e as E));
    const found = this.#events.slice(options.from ?? 0).find(test);
    if (found !== undefined) return Promise.resolve(found as E);
    const timeoutMs = options.timeoutMs ?? 30_000;
    return new Promise<E>((resolve, reject) => {
      const done = (e: DeviceEvent) => {
        clearTimeout(timer);
        resolve(e as E);
      };
      const fail = (error: FoxgloveError) => {
        this.#waiters = this.#waiters.filter((w) => w.resolve !== done);
        reject(error);
      };
      const timer = setTimeout(
        () => fail(this.#error("ERR_TIMEOUT", `no "${name}" event within ${timeoutMs} ms`)),
        timeoutMs,
      );
      void this.#exited.then((code) => {
        if (this.#waiters.some((w) => w.resolve === done)) {
          clearTimeout(timer);
          fail(this.#error("ERR_IO", `device exited (${code}) before a "${name}" event`));
        }
      });
      this.#waiters.push({ match: test, resolve: done });
    });
  }

  /**
   * Sends `stop` and waits up to `timeoutMs` for the `stopped` event and the exit; kills the
   * process (SIGKILL) if it does not end by then. Returns the `stopped` event if there was one.
   */
  async stop(timeoutMs = 15_000): Promise<Extract<DeviceEvent, { event: "stopped" }> | undefined> {
    if (this.#exit === undefined) {
      this.send("stop");
      this.#child.stdin.end();
      const timer = setTimeout(() => this.#child.kill("SIGKILL"), timeoutMs);
      await this.#exited;
      clearTimeout(timer);
    }
    return this.#events.find((e) => e.event === "stopped");
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }

  #push(event: DeviceEvent): void {
    this.#events.push(event);
    for (const w of [...this.#waiters]) {
      if (w.match(event)) {
        this.#waiters.splice(this.#waiters.indexOf(w), 1);
        w.resolve(event);
      }
    }
  }

  #error(code: "ERR_TIMEOUT" | "ERR_IO", message: string): FoxgloveError {
    const tail = this.#stderr.slice(-15).join("\n  ");
    return new FoxgloveError(code, tail ? `${message}; stderr:\n  ${tail}` : message);
  }
}
