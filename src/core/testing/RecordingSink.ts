import type { ChannelId } from "../ChannelDescriptor.js";
import { nextSinkId } from "../ids.js";
import type { Logger } from "../logger.js";
import type { RawChannel } from "../RawChannel.js";
import type { Metadata, Sink, SinkChannelFilter, SinkId } from "../Sink.js";

/** One message received by a {@link RecordingSink}. */
export interface Recorded {
  channel: RawChannel;
  data: Uint8Array;
  metadata: Metadata;
}

/** Options of {@link RecordingSink}. */
export interface RecordingSinkOptions {
  autoSubscribe?: boolean;
  channelFilter?: SinkChannelFilter;
  /** Ids to return from addChannels (for `autoSubscribe: false`). Default: none. */
  subscribe?: (channels: readonly RawChannel[]) => readonly ChannelId[] | undefined;
}

/** A test sink that records every callback. */
export class RecordingSink implements Sink {
  readonly id: SinkId = nextSinkId();
  readonly autoSubscribe: boolean;
  readonly channelFilter: SinkChannelFilter | undefined;
  readonly messages: Recorded[] = [];
  readonly added: RawChannel[] = [];
  readonly removed: RawChannel[] = [];
  readonly #subscribe: RecordingSinkOptions["subscribe"];

  constructor(options: RecordingSinkOptions = {}) {
    this.autoSubscribe = options.autoSubscribe ?? true;
    this.channelFilter = options.channelFilter;
    this.#subscribe = options.subscribe;
  }

  log(channel: RawChannel, data: Uint8Array, metadata: Metadata): void {
    this.messages.push({ channel, data: data.slice(), metadata });
  }

  addChannels(channels: readonly RawChannel[]): readonly ChannelId[] | undefined {
    this.added.push(...channels);
    return this.#subscribe?.(channels);
  }

  removeChannel(channel: RawChannel): void {
    this.removed.push(channel);
  }
}

/** A logger that keeps what it is given, for asserting on SDK warnings. */
export class CapturingLogger implements Logger {
  readonly lines: { level: string; text: string }[] = [];
  debug = (...args: unknown[]): void => this.#push("debug", args);
  info = (...args: unknown[]): void => this.#push("info", args);
  warn = (...args: unknown[]): void => this.#push("warn", args);
  error = (...args: unknown[]): void => this.#push("error", args);

  /** Lines at `level` whose text contains `needle`. */
  matching(level: string, needle: string): string[] {
    return this.lines
      .filter((l) => l.level === level && l.text.includes(needle))
      .map((l) => l.text);
  }

  #push(level: string, args: unknown[]): void {
    const text = args
      .map((a) =>
        a instanceof Error
          ? `${"code" in a ? `[${String(a.code)}] ` : ""}${a.message}${a.cause instanceof Error ? ` (cause: ${a.cause.message})` : ""}`
          : String(a),
      )
      .join(" ");
    this.lines.push({ level, text });
  }
}
