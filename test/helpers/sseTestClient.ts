/** A frame read from an SSE stream by the test client. */
export type SseFrame =
  | { readonly type: "comment"; readonly text: string }
  | { readonly type: "event"; readonly event: string; readonly data: string }
  | { readonly type: "end" }
  | { readonly type: "error"; readonly error: unknown };

/**
 * A minimal SSE client for tests: real fetch, a line parser, and a queue of frames to await with
 * timeouts. Independent of the gateway's production parser on purpose.
 */
export class SseTestClient {
  readonly status: number;
  readonly contentType: string | null;
  readonly #abort: AbortController;
  readonly #frames: SseFrame[] = [];
  readonly #waiters: ((frame: SseFrame) => void)[] = [];

  private constructor(response: Response, abort: AbortController) {
    this.status = response.status;
    this.contentType = response.headers.get("content-type");
    this.#abort = abort;
    if (response.body !== null) {
      void this.#pump(response.body);
    } else {
      this.#push({ type: "end" });
    }
  }

  /** Opens `url` with the given headers; resolves once the response headers arrive. */
  static async open(url: string, headers: Record<string, string>): Promise<SseTestClient> {
    const abort = new AbortController();
    const response = await fetch(url, {
      headers: { Accept: "text/event-stream", ...headers },
      signal: abort.signal,
    });
    return new SseTestClient(response, abort);
  }

  /** The next frame, or a rejection after `timeoutMs`. */
  next(timeoutMs = 5000): Promise<SseFrame> {
    const queued = this.#frames.shift();
    if (queued !== undefined) {
      return Promise.resolve(queued);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const i = this.#waiters.indexOf(waiter);
        if (i >= 0) this.#waiters.splice(i, 1);
        reject(new Error(`no SSE frame within ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter = (frame: SseFrame): void => {
        clearTimeout(timer);
        resolve(frame);
      };
      this.#waiters.push(waiter);
    });
  }

  /** Skips comments and returns the next event, end or error. */
  async nextNonComment(timeoutMs = 5000): Promise<SseFrame> {
    for (;;) {
      const frame = await this.next(timeoutMs);
      if (frame.type !== "comment") return frame;
    }
  }

  /** The next event, which must be named `name`; returns its JSON data parsed. */
  async expectEvent(name: string, timeoutMs = 5000): Promise<Record<string, unknown>> {
    const frame = await this.nextNonComment(timeoutMs);
    if (frame.type !== "event" || frame.event !== name) {
      throw new Error(`expected event ${name}, got ${JSON.stringify(frame)}`);
    }
    return JSON.parse(frame.data) as Record<string, unknown>;
  }

  /** Aborts the request (closes the connection). */
  close(): void {
    this.#abort.abort();
  }

  #push(frame: SseFrame): void {
    const waiter = this.#waiters.shift();
    if (waiter !== undefined) waiter(frame);
    else this.#frames.push(frame);
  }

  async #pump(body: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    let buffer = "";
    let event = "";
    let data: string[] | undefined;
    try {
      for await (const chunk of body) {
        buffer += decoder.decode(chunk, { stream: true });
        let nl: number;
        while ((nl = buffer.search(/\r\n|\n|\r/)) >= 0) {
          const line = buffer.slice(0, nl);
          buffer = buffer.slice(nl + (buffer.startsWith("\r\n", nl) ? 2 : 1));
          if (line === "") {
            if (data !== undefined) this.#push({ type: "event", event, data: data.join("\n") });
            event = "";
            data = undefined;
          } else if (line.startsWith(":")) {
            this.#push({ type: "comment", text: line.slice(1).trim() });
          } else {
            const colon = line.indexOf(":");
            const field = colon < 0 ? line : line.slice(0, colon);
            let value = colon < 0 ? "" : line.slice(colon + 1);
            if (value.startsWith(" ")) value = value.slice(1);
            if (field === "event") event = value;
            else if (field === "data") (data ??= []).push(value);
          }
        }
      }
      this.#push({ type: "end" });
    } catch (error) {
      this.#push(this.#abort.signal.aborted ? { type: "end" } : { type: "error", error });
    }
  }
}
