import { FoxgloveError } from "../core/FoxgloveError.js";

/** One item of an event stream: a comment line, or a dispatched event. */
export type SseFrame =
  | { readonly kind: "comment" }
  | { readonly kind: "event"; readonly event: string; readonly data: string };

/** Limits of {@link SseParser}, in bytes. */
export interface SseParserOptions {
  /** Longest line (without its terminator) accepted. Default 1 MiB. */
  readonly maxLineBytes?: number;
  /** Most `data` bytes one event may gather. Default 1 MiB. */
  readonly maxEventDataBytes?: number;
}

const LF = 0x0a;
const CR = 0x0d;
const COLON = 0x3a;
const MIB = 1024 * 1024;
const EMPTY = new Uint8Array(0);

/**
 * An incremental parser for the watch's Server-Sent Events, with the deliberately small rule set
 * of the remote access gateway (which differs from WHATWG's):
 * - lines end with LF, CRLF or a lone CR (a CR at the end of a chunk waits for the next byte);
 * - a line that is not valid UTF-8 is dropped; a byte order mark is not special;
 * - a line starting with `:` is one comment frame, even inside an event block;
 * - `event` sets the name (last wins), `data` appends (joined with `\n`); other fields are ignored;
 *   one space after the colon is removed; a line without a colon is a field with an empty value;
 * - a blank line dispatches the block if it has data, else discards it, name included;
 * - the default event name is `""`;
 * - at the end of input, a block with data is dispatched and an unterminated line is discarded.
 *
 * Memory is bounded: a line or an event's data over the limits throws `ERR_PROTOCOL`, after
 * which the parser must not be used again.
 */
export class SseParser {
  readonly #maxLineBytes: number;
  readonly #maxEventDataBytes: number;
  readonly #decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
  #buffer: Uint8Array = EMPTY;
  #event = "";
  #data = "";
  #dataBytes = 0;
  #hasData = false;

  constructor(options: SseParserOptions = {}) {
    this.#maxLineBytes = options.maxLineBytes ?? MIB;
    this.#maxEventDataBytes = options.maxEventDataBytes ?? MIB;
  }

  /** Feeds the next bytes of the stream; returns the frames they complete, in order. */
  push(chunk: Uint8Array): SseFrame[] {
    const frames: SseFrame[] = [];
    const buf = this.#append(chunk);
    let start = 0;
    for (let i = 0; i < buf.length; i++) {
      const b = buf[i];
      if (b !== LF && b !== CR) {
        continue;
      }
      let end = i + 1;
      if (b === CR) {
        if (i + 1 >= buf.length) {
          break; // lone CR at the end: wait for the next byte to tell CR from CRLF
        }
        if (buf[i + 1] === LF) {
          end = i + 2;
        }
      }
      this.#line(buf.subarray(start, i), frames);
      start = end;
      i = end - 1;
    }
    // Copy the leftover: the caller may reuse its chunk, and a subarray would pin it.
    this.#buffer = start === 0 && buf !== chunk ? buf : buf.slice(start);
    const pendingLine = this.#buffer.length - (this.#buffer.at(-1) === CR ? 1 : 0);
    if (pendingLine > this.#maxLineBytes) {
      throw new FoxgloveError(
        "ERR_PROTOCOL",
        `event stream line longer than ${this.#maxLineBytes} bytes`,
      );
    }
    return frames;
  }

  /** Ends the stream: returns the pending event if it has data; drops an unterminated line. */
  end(): SseFrame[] {
    this.#buffer = EMPTY;
    const frames: SseFrame[] = [];
    this.#dispatch(frames);
    return frames;
  }

  #append(chunk: Uint8Array): Uint8Array {
    if (this.#buffer.length === 0) {
      return chunk;
    }
    const joined = new Uint8Array(this.#buffer.length + chunk.length);
    joined.set(this.#buffer, 0);
    joined.set(chunk, this.#buffer.length);
    return joined;
  }

  #line(bytes: Uint8Array, frames: SseFrame[]): void {
    if (bytes.length > this.#maxLineBytes) {
      throw new FoxgloveError(
        "ERR_PROTOCOL",
        `event stream line longer than ${this.#maxLineBytes} bytes`,
      );
    }
    if (bytes.length === 0) {
      this.#dispatch(frames);
      return;
    }
    let line: string;
    try {
      line = this.#decoder.decode(bytes);
    } catch {
      return; // not UTF-8: dropped, even a comment
    }
    if (bytes[0] === COLON) {
      frames.push({ kind: "comment" });
      return;
    }
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) {
      value = value.slice(1);
    }
    if (field === "event") {
      this.#event = value;
    } else if (field === "data") {
      this.#dataBytes += bytes.length;
      if (this.#dataBytes > this.#maxEventDataBytes) {
        throw new FoxgloveError(
          "ERR_PROTOCOL",
          `event stream event with more than ${this.#maxEventDataBytes} bytes of data`,
        );
      }
      this.#data = this.#hasData ? `${this.#data}\n${value}` : value;
      this.#hasData = true;
    }
  }

  #dispatch(frames: SseFrame[]): void {
    if (this.#hasData) {
      frames.push({ kind: "event", event: this.#event, data: this.#data });
    }
    this.#event = "";
    this.#data = "";
    this.#dataBytes = 0;
    this.#hasData = false;
  }
}
