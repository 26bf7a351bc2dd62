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
  /** Bytes of the unterminated line so far, copied. */
  #pending: Uint8Array[] = [];
  #pendingBytes = 0;
  /** The last byte seen was a CR that may still turn out to be half of a CRLF. */
  #heldCR = false;
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
    let i = 0;
    if (this.#heldCR && chunk.length > 0) {
      // The held CR ended a line; a LF right after it belongs to it.
      this.#heldCR = false;
      this.#line(this.#takeLine(EMPTY), frames);
      if (chunk[0] === LF) {
        i = 1;
      }
    }
    let start = i;
    for (; i < chunk.length; i++) {
      const b = chunk[i];
      if (b !== LF && b !== CR) {
        continue;
      }
      if (b === CR && i + 1 === chunk.length) {
        this.#heldCR = true; // CR at the end: wait for the next byte to tell CR from CRLF
        break;
      }
      this.#line(this.#takeLine(chunk.subarray(start, i)), frames);
      if (b === CR && chunk[i + 1] === LF) {
        i++;
      }
      start = i + 1;
    }
    if (start < chunk.length) {
      // Copy the rest: the caller may reuse its chunk, and a subarray would pin it.
      const rest = chunk.slice(start, this.#heldCR ? chunk.length - 1 : chunk.length);
      this.#pending.push(rest);
      this.#pendingBytes += rest.length;
      this.#checkLine(this.#pendingBytes);
    }
    return frames;
  }

  /** Ends the stream: returns the pending event if it has data; drops an unterminated line. */
  end(): SseFrame[] {
    this.#pending = [];
    this.#pendingBytes = 0;
    this.#heldCR = false;
    const frames: SseFrame[] = [];
    this.#dispatch(frames);
    return frames;
  }

  /** The pending bytes followed by `tail`, as one line; clears the pending bytes. */
  #takeLine(tail: Uint8Array): Uint8Array {
    if (this.#pending.length === 0) {
      return tail;
    }
    const line = new Uint8Array(this.#pendingBytes + tail.length);
    let offset = 0;
    for (const part of this.#pending) {
      line.set(part, offset);
      offset += part.length;
    }
    line.set(tail, offset);
    this.#pending = [];
    this.#pendingBytes = 0;
    return line;
  }

  #checkLine(length: number): void {
    if (length > this.#maxLineBytes) {
      throw new FoxgloveError(
        "ERR_PROTOCOL",
        `event stream line longer than ${this.#maxLineBytes} bytes`,
      );
    }
  }

  #line(bytes: Uint8Array, frames: SseFrame[]): void {
    this.#checkLine(bytes.length);
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
