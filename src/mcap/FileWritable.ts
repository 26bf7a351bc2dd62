import { open, type FileHandle } from "node:fs/promises";
import { FoxgloveError } from "../core/FoxgloveError.js";

/**
 * Where an MCAP writer puts its bytes: the `IWritable` shape of `@mcap/core` (so its `TempBuffer`
 * fits). `write` is awaited before the next call; `position` is the bytes written so far.
 */
export interface McapWritable {
  write(data: Uint8Array): Promise<unknown>;
  position(): bigint;
}

/**
 * An {@link McapWritable} over a file. Each `write` reaches the operating system before it
 * resolves (no buffering in the process), so what was written survives the process being killed.
 */
export class FileWritable implements McapWritable, AsyncDisposable {
  /** The file's path, as given. */
  readonly path: string;
  readonly #handle: FileHandle;
  #position = 0n;
  #closed = false;

  private constructor(path: string, handle: FileHandle) {
    this.path = path;
    this.#handle = handle;
  }

  /**
   * Creates the file at `path`; an existing file is replaced only with `allowOverwrite`.
   * @throws {FoxgloveError} `ERR_IO` when the file exists (without `allowOverwrite`) or cannot be
   *   created
   */
  static async create(path: string | URL, allowOverwrite: boolean): Promise<FileWritable> {
    const shown = path instanceof URL ? path.pathname : path;
    try {
      return new FileWritable(shown, await open(path, allowOverwrite ? "w" : "wx"));
    } catch (cause) {
      const code = (cause as NodeJS.ErrnoException).code;
      throw new FoxgloveError(
        "ERR_IO",
        code === "EEXIST"
          ? `${shown} already exists (pass allowOverwrite to replace it)`
          : `cannot create ${shown}: ${cause instanceof Error ? cause.message : String(cause)}`,
        { cause },
      );
    }
  }

  /** Writes all of `data` at the end of the file. */
  async write(data: Uint8Array): Promise<void> {
    let offset = 0;
    while (offset < data.byteLength) {
      const { bytesWritten } = await this.#handle.write(data, offset, data.byteLength - offset);
      offset += bytesWritten;
    }
    this.#position += BigInt(data.byteLength);
  }

  /** Bytes written so far. */
  position(): bigint {
    return this.#position;
  }

  /** Closes the file. Idempotent. */
  async close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      await this.#handle.close();
    }
  }

  /** Same as {@link close}. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
