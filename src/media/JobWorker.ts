import { Worker } from "node:worker_threads";
import { FoxgloveError } from "../core/FoxgloveError.js";
import { log } from "../core/logger.js";

/** What every job's answer carries. */
export interface JobReply {
  /** The job's id. */
  id: number;
  /**
   * A FoxgloveError's code and text when the job failed with one (a failed reply without it
   * stands for an unexpected error, see {@link replyError}).
   */
  error?: { code: string; message: string } | undefined;
}

type Pending<R> = { resolve: (reply: R) => void; reject: (error: unknown) => void };

/**
 * A worker thread that answers each job posted to it with one reply of the same `id` (the entry
 * module posts `{ id, ... }` back). The entry is a module next to `base` (the caller's
 * `import.meta.url`): `<entry>.ts` from source, where the worker registers tsx itself (tests, the
 * demo from source), `<entry>.js` in the built package. The thread keeps the process alive only
 * while a job is pending; when it dies, pending jobs reject and `onDead` runs (start a new one).
 */
export class JobWorker<J extends object, R extends JobReply> {
  readonly #label: string;
  readonly #worker: Worker;
  readonly #pending = new Map<number, Pending<R>>();
  readonly #onDead: () => void;
  #next = 1;

  constructor(label: string, base: string, entry: string, onDead: () => void) {
    this.#label = label;
    this.#onDead = onDead;
    const source = base.endsWith(".ts");
    const url = new URL(`./${entry}${source ? ".ts" : ".js"}`, base);
    this.#worker = source
      ? new Worker(
          `import("tsx/esm/api").then((m) => { m.register(); return import(${JSON.stringify(url.href)}); });`,
          { eval: true },
        )
      : new Worker(url);
    this.#worker.on("message", (reply: R) => {
      const pending = this.#pending.get(reply.id);
      this.#pending.delete(reply.id);
      if (this.#pending.size === 0) this.#worker.unref();
      pending?.resolve(reply);
    });
    this.#worker.on("error", (error) => this.#fail(error));
    this.#worker.on("exit", (code) => this.#fail(new Error(`${label} worker exited (${code})`)));
    this.#worker.unref(); // referenced only while a job is pending (see run)
  }

  /** Jobs posted and not answered yet. */
  get load(): number {
    return this.#pending.size;
  }

  /** Posts `job` (with a fresh id; `transfer`red buffers move there) and resolves with its reply. */
  run(job: J, transfer: ArrayBuffer[]): Promise<R> {
    const id = this.#next++;
    return new Promise((resolve, reject) => {
      if (this.#pending.size === 0) this.#worker.ref(); // keep the process alive for the answer
      this.#pending.set(id, { resolve, reject });
      this.#worker.postMessage({ ...job, id }, transfer);
    });
  }

  #fail(error: Error): void {
    log.error(`${this.#label} worker failed`, error);
    this.#onDead();
    for (const p of this.#pending.values()) p.reject(error);
    this.#pending.clear();
  }
}

/** The error a failed reply stands for: its FoxgloveError, else "internal error". */
export function replyError(reply: JobReply): Error {
  return reply.error === undefined
    ? new Error("internal error")
    : new FoxgloveError(reply.error.code as "ERR_VALUE", reply.error.message);
}

/** The `error` of a reply for what a job threw (only FoxgloveErrors carry their code and text). */
export function errorOfReply(error: unknown): JobReply["error"] {
  return error instanceof FoxgloveError ? { code: error.code, message: error.message } : undefined;
}
