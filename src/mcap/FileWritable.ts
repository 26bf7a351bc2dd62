import {
  close,
  closeSync,
  fstat,
  open,
  openSync,
  write,
  writeSync,
  writev,
  writevSync,
} from "node:fs";
import { lstat, statfs, unlink } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
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
 * File systems (`statfs` types) on local storage, where a write lands in the page cache and
 * returns at once unless the kernel throttles the writer: ext2-4, XFS, Btrfs, tmpfs, overlayfs,
 * F2FS, ZFS. Files elsewhere (network, FUSE) are always written on libuv's pool.
 */
const LOCAL_FILE_SYSTEMS = new Set([
  0xef53, 0x58465342, 0x9123683e, 0x01021994, 0x794c7630, 0xf2f52010, 0x2fc12fc1,
]);
/** Most bytes one `writev` may write on the calling thread. */
const SYNC_MAX_BYTES = 4 * 1024 * 1024;
/** A write on the calling thread that took longer than this (ms) was slow ... */
const SLOW_WRITE_MS = 4;
/**
 * ... and this many slow ones in a row (the kernel throttling a writer slows each write; a
 * thread preempted on a busy machine, one now and then: about 1 write in 80 here at a load
 * average of 6, where the pool's round trips would only cost more) ...
 */
const SLOW_WRITES_IN_A_ROW = 2;
/** ... send the writes of the next this many ms to libuv's pool. */
const POOL_AFTER_SLOW_MS = 2000;
/**
 * Directories found on a local file system by an earlier `create` (`statfs`): a new file there
 * is created and closed on the calling thread, two round trips through libuv's pool fewer
 * (0.3-1 ms here each time, several ms when its threads wake on a busy machine).
 */
const localDirectories = new Set<string>();

const openAsync = promisify(open);
const closeAsync = promisify(close);
const fstatAsync = promisify(fstat);
const writeAsync = promisify(write);
const writevAsync = promisify(writev);

/**
 * An {@link McapWritable} over a file. Each `write` reaches the operating system before it
 * resolves (no buffering in the process), so what was written survives the process being killed.
 *
 * `writev` of up to 4 MiB to a file on a local file system is made on the calling thread (a
 * copy into the page cache, about 0.2 ms per MiB, cheaper than a round trip through libuv's
 * pool, whose thread reads the buffers from another core's cache); once two such writes in a
 * row take more than 4 ms each (the kernel throttling a writer, a slow disk), writes go through
 * libuv's pool for the next 2 s, so the event loop does not wait on the disk for long.
 */
export class FileWritable implements McapWritable, AsyncDisposable {
  /** The file's path, as given. */
  readonly path: string;
  readonly #fd: number;
  /** Whether the file is on a local file system (see {@link LOCAL_FILE_SYSTEMS}). */
  readonly #local: boolean;
  /** Whether the file was created (not truncated in place): closing it is cheap. */
  readonly #created: boolean;
  /** Until when (`performance.now()`) writes go through libuv's pool after slow ones. */
  #poolUntil = 0;
  /** Slow writes on the calling thread since the last quick one. */
  #slowWrites = 0;
  #position = 0n;
  #closed = false;

  private constructor(path: string, fd: number, local: boolean, created: boolean) {
    this.path = path;
    this.#fd = fd;
    this.#local = local;
    this.#created = created;
  }

  /**
   * Creates the file at `path`; an existing file is replaced only with `allowOverwrite`.
   * @throws {FoxgloveError} `ERR_IO` when the file exists (without `allowOverwrite`) or cannot be
   *   created
   */
  static async create(path: string | URL, allowOverwrite: boolean): Promise<FileWritable> {
    const shown = path instanceof URL ? path.pathname : path;
    const directory = resolve(dirname(path instanceof URL ? fileURLToPath(path) : path));
    try {
      if (localDirectories.has(directory)) {
        const fd = createHere(path, allowOverwrite);
        if (fd !== undefined) {
          return new FileWritable(shown, fd, true, true);
        }
      }
      // The file system of the directory the file goes into, looked up while the file opens.
      const local = statfs(directory).then(
        (stats) => LOCAL_FILE_SYSTEMS.has(stats.type),
        () => false,
      );
      const { fd, created } = allowOverwrite
        ? await replace(path)
        : { fd: await openAsync(path, "wx"), created: true };
      if (await local) {
        localDirectories.add(directory);
      }
      return new FileWritable(shown, fd, await local, created);
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
      const { bytesWritten } = await writeAsync(this.#fd, data, offset, data.byteLength - offset);
      offset += bytesWritten;
    }
    this.#position += BigInt(data.byteLength);
  }

  /**
   * Writes all of `parts`, in order, at the end of the file: one system call when it can, on
   * the calling thread when that is cheap (see {@link FileWritable}).
   */
  async writev(parts: readonly Uint8Array[]): Promise<void> {
    let rest = parts.filter((part) => part.byteLength > 0);
    while (rest.length > 0) {
      const bytesWritten = this.#writeHere(rest)
        ? this.#writevSync(rest)
        : (await writevAsync(this.#fd, rest)).bytesWritten;
      this.#position += BigInt(bytesWritten);
      rest = afterBytes(rest, bytesWritten);
    }
  }

  /**
   * Whether a write of `bytes` would be made on the calling thread now: the file is on a local
   * file system, `bytes` is at most 4 MiB and no write was slow lately (see {@link FileWritable}).
   */
  canWriteNow(bytes: number): boolean {
    return this.#local && bytes <= SYNC_MAX_BYTES && performance.now() >= this.#poolUntil;
  }

  /**
   * Writes all of `parts`, in order, at the end of the file on the calling thread; for what
   * {@link canWriteNow} allows.
   */
  writevNow(parts: readonly Uint8Array[]): void {
    let rest = parts.filter((part) => part.byteLength > 0);
    while (rest.length > 0) {
      const bytesWritten = this.#writevSync(rest);
      this.#position += BigInt(bytesWritten);
      rest = afterBytes(rest, bytesWritten);
    }
  }

  /**
   * Writes `data` over bytes written before, at byte `position`; the end of the file stays where
   * it is. On the calling thread when {@link canWriteNow} allows it.
   */
  async writeAt(data: Uint8Array, position: bigint): Promise<void> {
    if (this.canWriteNow(data.byteLength)) {
      this.writeAtNow(data, position);
      return;
    }
    for (let offset = 0; offset < data.byteLength;) {
      const at = Number(position) + offset;
      const { bytesWritten } = await writeAsync(
        this.#fd,
        data,
        offset,
        data.byteLength - offset,
        at,
      );
      offset += bytesWritten;
    }
  }

  /** {@link writeAt} on the calling thread, for what {@link canWriteNow} allows. */
  writeAtNow(data: Uint8Array, position: bigint): void {
    for (let offset = 0; offset < data.byteLength;) {
      const at = Number(position) + offset;
      offset += writeSync(this.#fd, data, offset, data.byteLength - offset, at);
    }
  }

  #writeHere(parts: readonly Uint8Array[]): boolean {
    let bytes = 0;
    for (const part of parts) {
      bytes += part.byteLength;
    }
    return this.canWriteNow(bytes);
  }

  #writevSync(parts: readonly Uint8Array[]): number {
    const start = performance.now();
    const bytesWritten = writevSync(this.#fd, parts);
    const end = performance.now();
    this.#slowWrites = end - start > SLOW_WRITE_MS ? this.#slowWrites + 1 : 0;
    if (this.#slowWrites >= SLOW_WRITES_IN_A_ROW) {
      this.#slowWrites = 0;
      this.#poolUntil = end + POOL_AFTER_SLOW_MS;
    }
    return bytesWritten;
  }

  /** Bytes written so far. */
  position(): bigint {
    return this.#position;
  }

  /**
   * Closes the file. Idempotent. On the calling thread when that is cheap: a file created on a
   * local file system, no write slow lately (a file truncated in place may start its writeback
   * on close, ext4's `auto_da_alloc`).
   */
  async close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      if (this.#created && this.canWriteNow(0)) {
        closeSync(this.#fd);
      } else {
        await closeAsync(this.#fd);
      }
    }
  }

  /** Same as {@link close}. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

/**
 * Creates `path` on the calling thread (for a directory on a local file system); undefined when
 * a file is there and `allowOverwrite` (to be replaced by {@link replace}).
 */
function createHere(path: string | URL, allowOverwrite: boolean): number | undefined {
  try {
    return openSync(path, "wx");
  } catch (error) {
    if (allowOverwrite && (error as NodeJS.ErrnoException).code === "EEXIST") {
      return undefined;
    }
    throw error;
  }
}

/**
 * Opens `path` as a new, empty file for writing, replacing a file there; returns its descriptor
 * and whether it was created (not truncated in place). A regular file with one link is unlinked
 * while held open, and that descriptor is closed in the background: the kernel frees the old
 * content's pages then, on libuv's pool, instead of in `open` before the first write
 * (truncating costs about 10-20 ms per 32 MB here). Other files (symbolic links, files with
 * several links) are truncated in place. A replaced file's mode is not kept.
 */
async function replace(path: string | URL): Promise<{ fd: number; created: boolean }> {
  try {
    return { fd: await openAsync(path, "wx"), created: true };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  const old = await openAsync(path, "r").catch(() => undefined);
  if (old !== undefined) {
    const link = await lstat(path).catch(() => undefined);
    const held = await fstatAsync(old).catch(() => undefined);
    if (link?.isFile() === true && link.nlink === 1 && link.ino === held?.ino) {
      try {
        await unlink(path);
        return { fd: await openAsync(path, "wx"), created: true };
      } catch {
        // raced with another process: truncate whatever is there now
      } finally {
        closeAsync(old).catch(() => {}); // frees the old content's pages off this thread
      }
    } else {
      await closeAsync(old);
    }
  }
  return { fd: await openAsync(path, "w"), created: false };
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
