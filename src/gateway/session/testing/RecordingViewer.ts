import { decodeServerFrame, FrameDecoder, type ServerMessage } from "../../../protocol/index.js";
import { Participant } from "../Participant.js";
import { PendingResets } from "../PendingResets.js";

/**
 * A test viewer: a real {@link Participant} whose control stream is an in-memory decoder that
 * records every message the session sent it, in order.
 */
export class RecordingViewer {
  readonly participant: Participant;
  readonly messages: ServerMessage[] = [];
  readonly #decoder = new FrameDecoder();
  #waiters: (() => void)[] = [];

  constructor(
    identity: string,
    sid: string,
    options: { joinedAt?: number; resets?: PendingResets; messageBacklogSize?: number } = {},
  ) {
    this.participant = new Participant({
      identity,
      sid,
      joinedAt: options.joinedAt ?? 1,
      pendingResets: options.resets ?? new PendingResets(),
      ...(options.messageBacklogSize === undefined
        ? {}
        : { messageBacklogSize: options.messageBacklogSize }),
    });
    void this.participant.startFlush(async (bytes) => {
      await Promise.resolve();
      for (const frame of this.#decoder.push(bytes)) {
        this.messages.push(decodeServerFrame(frame));
      }
      this.#waiters.splice(0).forEach((w) => w());
    });
  }

  /** Waits (at most `ms`) until `n` messages have been recorded and returns them all. */
  async received(n: number, ms = 1000): Promise<ServerMessage[]> {
    const deadline = Date.now() + ms;
    while (this.messages.length < n) {
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new Error(`expected ${n} messages, got ${JSON.stringify(this.ops())}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.messages;
  }

  /**
   * Lets the flush task deliver everything queued so far (the in-memory stream completes within
   * one event-loop turn) and returns everything recorded.
   */
  async settled(): Promise<ServerMessage[]> {
    do {
      await new Promise<void>((resolve) => setImmediate(resolve));
    } while (this.participant.queuedMessages > 0);
    return this.messages;
  }

  /** The `op` of every recorded message. */
  ops(): string[] {
    return this.messages.map((m) => m.op);
  }
}
