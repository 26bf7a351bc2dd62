import type { ServerMessage } from "../../protocol/index.js";
import { nextClientId, type ViewerConnection } from "../ViewerConnection.js";

/**
 * An in-memory {@link ViewerConnection} for hub tests: records every message the hub sent, in
 * order and synchronously (copying MessageData payloads, which are only valid during the call).
 */
export class MemoryConnection implements ViewerConnection {
  readonly clientId = nextClientId();
  readonly name: string;
  readonly messages: ServerMessage[] = [];
  readonly #controller = new AbortController();
  #waiters: (() => void)[] = [];

  constructor(name: string) {
    this.name = name;
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  send(message: ServerMessage): void {
    this.messages.push(
      message.op === "messageData" ? { ...message, data: message.data.slice() } : message,
    );
    for (const wake of this.#waiters.splice(0)) wake();
  }

  /**
   * Resolves with the first recorded message matching `match`, waiting for it at most `ms`
   * (for messages sent from timers or after awaits).
   */
  async waitFor(match: (message: ServerMessage) => boolean, ms = 5000): Promise<ServerMessage> {
    const deadline = Date.now() + ms;
    for (;;) {
      const found = this.messages.find(match);
      if (found !== undefined) return found;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no matching message; got ${this.ops().join(", ")}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Aborts {@link signal}, as a transport does when the viewer leaves. */
  leave(): void {
    this.#controller.abort();
  }

  /** The `op` of every recorded message. */
  ops(): string[] {
    return this.messages.map((m) => m.op);
  }

  /** The recorded messages with this `op`. */
  ofOp<K extends ServerMessage["op"]>(op: K): Extract<ServerMessage, { op: K }>[] {
    return this.messages.filter((m): m is Extract<ServerMessage, { op: K }> => m.op === op);
  }

  /** Returns and forgets everything recorded so far. */
  take(): ServerMessage[] {
    return this.messages.splice(0);
  }
}
