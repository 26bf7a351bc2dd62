import { open, type FileHandle } from "node:fs/promises";
import { FoxgloveError } from "../core/FoxgloveError.js";

/**
 * A file opened for random reads, in the `IReadable` shape that `@mcap/core`'s
 * `McapIndexedReader` takes (`size`, `read`).
 */
export class FileReadable implements AsyncDisposable {
  readonly #handle: FileHandle;
  readonly #size: bigint;

  private constructor(handle: FileHandle, size: bigint) {
    this.#handle = handle;
    this.#size = size;
  }

  /**
   * Opens `path` for reading.
   * @throws {FoxgloveError} `ERR_IO` when it cannot be opened
   */
  static async open(path: string | URL): Promise<FileReadable> {
    try {
      const handle = await open(path, "r");
      return new FileReadable(handle, BigInt((await handle.stat()).size));
    } catch (cause) {
      const shown = path instanceof URL ? path.pathname : path;
      throw new FoxgloveError(
        "ERR_IO",
        `cannot open ${shown}: ${cause instanceof Error ? cause.message : String(cause)}`,
        { cause },
      );
    }
  }

  /** The file's size in bytes when it was opened. */
  size(): Promise<bigint> {
    return Promise.resolve(this.#size);
  }

  /**
   * Reads `length` bytes at `offset`.
   * @throws {FoxgloveError} `ERR_IO` when the range is outside the file
   */
  async read(offset: bigint, length: bigint): Promise<Uint8Array> {
    if (offset < 0n || length < 0n || offset + length > this.#size) {
      throw new FoxgloveError(
        "ERR_IO",
        `read of ${length} bytes at ${offset} is outside the file (${this.#size} bytes)`,
      );
    }
    const buffer = new Uint8Array(Number(length));
    let done = 0;
    while (done < buffer.length) {
      const { bytesRead } = await this.#handle.read(
        buffer,
        done,
        buffer.length - done,
        Number(offset) + done,
      );
      if (bytesRead === 0) {
        throw new FoxgloveError("ERR_IO", `the file ended before offset ${Number(offset) + done}`);
      }
      done += bytesRead;
    }
    return buffer;
  }

  /** Closes the file. */
  async close(): Promise<void> {
    await this.#handle.close();
  }

  /** Same as {@link close}. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
