import { SseParser, type SseFrame, type SseParserOptions } from "./SseParser.js";

/**
 * Pulls {@link SseFrame}s from a response body: frames already parsed are handed out before more
 * bytes are read. At most one read is in flight; a `next()` while one is pending shares it.
 */
export class SseReader {
  readonly #reader: ReadableStreamDefaultReader<Uint8Array>;
  readonly #parser: SseParser;
  readonly #ready: SseFrame[] = [];
  #ended = false;
  #pending: Promise<SseFrame | undefined> | undefined;

  constructor(body: ReadableStream<Uint8Array>, options?: SseParserOptions) {
    this.#reader = body.getReader();
    this.#parser = new SseParser(options);
  }

  /**
   * The next frame, or undefined once the stream has ended cleanly. Rejects when reading the
   * body fails or a parser limit is exceeded.
   */
  next(): Promise<SseFrame | undefined> {
    this.#pending ??= this.#next().finally(() => (this.#pending = undefined));
    return this.#pending;
  }

  /** Stops reading and releases the body. */
  cancel(): void {
    this.#ended = true;
    this.#reader.cancel().catch(() => undefined);
  }

  async #next(): Promise<SseFrame | undefined> {
    for (;;) {
      const frame = this.#ready.shift();
      if (frame !== undefined) {
        return frame;
      }
      if (this.#ended) {
        return undefined;
      }
      const { done, value } = await this.#reader.read();
      if (done) {
        this.#ended = true;
        this.#ready.push(...this.#parser.end());
      } else {
        this.#ready.push(...this.#parser.push(value));
      }
    }
  }
}
