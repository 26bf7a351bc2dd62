import { open, type FileHandle } from "node:fs/promises";
import { FoxgloveError } from "../core/FoxgloveError.js";

/**
 * Where an MCAP writer puts its bytes: the `IWritable` shape of `@mcap/core` (so its `TempBuffer`
 * fits), plus an optional `writev`. Each call is awaited before the next; `position` is the
 * bytes written so far. The arrays passed may be reused once the call settled: keep a copy.
 */
export interface McapWritable {
  write(data: Uint8Array): Promise<unknown>;
  /** Writes `parts` one after the other (one system call for a file). Default: `write` each. */
  writev?(parts: readonly Uint8Array[]): Promise<unknown>;
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

  /** Writes all of `parts`, in order, at the end of the file: one system call when it can. */
  async writev(parts: readonly Uint8Array[]): Promise<void> {
    let rest = parts.filter((part) => part.byteLength > 0);
    while (rest.length > 0) {
      const { bytesWritten } = await this.#handle.writev(rest);
      this.#position += BigInt(bytesWritten);
      rest = afterBytes(rest, bytesWritten);
    }
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

/** What is left of `parts` once their first `bytes` bytes were written. */
function afterBytes(parts: readonly Uint8Array[], bytes: number): Uint8Array[] {
  let skip = bytes;
  let i = 0;
  while (i < parts.length && skip >= parts[i]!.byteLength) {
    skip -= parts[i]!.byteLength;
    i += 1;
  }
  const rest = parts.slice(i);
  if (skip > 0) {
    rest[0] = rest[0]!.subarray(skip);
  }
  return rest;
}
