import { LIBRARY_IDENTIFIER, type McapTypes } from "@mcap/core";
import { SerialQueue } from "../core/async/SerialQueue.js";
import { Context } from "../core/Context.js";
import { FoxgloveError } from "../core/FoxgloveError.js";
import { nextSinkId } from "../core/ids.js";
import { log } from "../core/logger.js";
import type { RawChannel } from "../core/RawChannel.js";
import { schemasEqual, type Schema } from "../core/Schema.js";
import type { Metadata, Sink, SinkChannelFilter, SinkId } from "../core/Sink.js";
import { Throttler } from "../core/Throttler.js";
import { nowNanos, toNanos, type TimeLike } from "../core/time.js";
import { LIBRARY_ID } from "../core/version.js";
import { loadChunkCompressor } from "./chunkCompression.js";
import { FileWritable, type McapWritable } from "./FileWritable.js";
import { McapEncoder, type PendingChunk } from "./McapEncoder.js";
import { resolveMcapWriteOptions, type OpenMcapOptions } from "./McapWriteOptions.js";

/** An attachment for {@link McapWriter.attach}. */
export interface McapAttachment {
  /** Name, e.g. a file name. */
  name: string;
  /** Media type, e.g. `application/octet-stream`. */
  mediaType: string;
  /** The content (copied). */
  data: Uint8Array;
  /** When it was recorded. Default: now. */
  logTime?: TimeLike;
  /** When it was created. Default: its `logTime`. */
  createTime?: TimeLike;
}

/** One unit of work for the file, in log order. */
type Work =
  | { kind: "chunks"; chunks: PendingChunk[] }
  | { kind: "metadata"; metadata: McapTypes.Metadata }
  | { kind: "attachment"; attachment: McapTypes.Attachment }
  | { kind: "end" }
  /** A write made during `log` failed: fails the queue with its error. */
  | { kind: "fail"; error: unknown };

/**
 * Smallest message written straight from the caller's data (see {@link McapWriter}): one
 * system call more per message (about 5-10 µs into ext4's page cache here), one copy less
 * (about 0.1 ms per MiB). Measured here, 32 MB of uncompressed messages: 1 MiB ones 11 ms
 * instead of 13.5, 512 KiB 13 instead of 14.5, 256 KiB as fast either way, 64 KiB 16.5 instead
 * of 14.5.
 */
export const UNCOPIED_MIN_BYTES = 512 * 1024;

/** How often a warning about dropped messages may repeat, in milliseconds. */
const DROP_WARN_INTERVAL_MS = 10_000;

/**
 * Opens an MCAP file (or any {@link McapWritable}) and records the context's channels into it
 * until {@link McapWriter.close}. A path that exists is refused unless `allowOverwrite` is set.
 * @throws {FoxgloveError} `ERR_IO` when the file exists or cannot be created; `ERR_VALUE` for
 *   invalid options
 */
export async function openMcap(
  target: string | URL | McapWritable,
  options: OpenMcapOptions = {},
): Promise<McapWriter> {
  const resolved = resolveMcapWriteOptions(options);
  const encoder = new McapEncoder({
    options: resolved,
    compressor: await loadChunkCompressor(resolved.compression),
    library: `${LIBRARY_ID} ${LIBRARY_IDENTIFIER}`,
  });
  const file =
    typeof target === "string" || target instanceof URL
      ? await FileWritable.create(target, options.allowOverwrite ?? false)
      : undefined;
  const writable = file ?? (target as McapWritable);
  try {
    const start = encoder.start();
    await (writable.writev?.([start]) ?? writable.write(start)); // ours: on this thread if cheap
  } catch (cause) {
    await file?.close();
    throw new FoxgloveError("ERR_IO", "cannot write the MCAP header", { cause });
  }
  const writer = new McapWriter({
    encoder,
    writable,
    file,
    queueBytes: resolved.queueBytes,
    channelFilter: options.channelFilter,
    context: options.context ?? Context.default(),
  });
  writer.context.addSink(writer);
  return writer;
}

/**
 * A sink that records messages into an MCAP file; create it with {@link openMcap}.
 *
 * `log` copies each message into the open chunk at once. A full chunk goes to a bounded queue
 * that one writer drains in order (compressing, then writing), so logging never waits for the
 * disk (a file's writes of up to 4 MiB into the page cache are made on this thread while they
 * stay quick, see {@link FileWritable}); while more than `queueBytes` wait, new messages are
 * dropped and counted. Without compression, when nothing is queued and the write is cheap, a
 * full chunk is instead written during `log` (its buffer then serves the next chunk while in the
 * CPU's cache), and a message of 512 KiB or more is written to the file during `log` (with the
 * open chunk's bytes before it, the chunk's head written in place once it is complete) instead
 * of being copied into the chunk. Schema and Channel records are written with a channel's first
 * message.
 * Chunks reach the file as they fill, so a killed process leaves a file readable up to its last
 * complete chunk; {@link close} finishes the file with its summary and indexes.
 */
export class McapWriter implements Sink, AsyncDisposable {
  /** This writer's sink id. */
  readonly id: SinkId = nextSinkId();
  /** The channel filter given to `openMcap`, read by the context. */
  readonly channelFilter: SinkChannelFilter | undefined;
  /** The context being recorded. */
  readonly context: Context;
  readonly #encoder: McapEncoder;
  readonly #writable: McapWritable;
  readonly #file: FileWritable | undefined;
  readonly #queueBytes: number;
  readonly #queue: SerialQueue<Work>;
  /**
   * The chunks of the last queued `chunks` work that has not started: chunks that fill up until
   * it runs join it, so that they are compressed side by side and written with one `writev`.
   */
  #batch: PendingChunk[] | undefined;
  /** Bytes of chunk records queued and not yet written (bounded by `queueBytes`). */
  #pendingBytes = 0;
  /** MCAP channel id and last message sequence number of each recorded channel. */
  readonly #channels = new Map<RawChannel, { id: number; sequence: number }>();
  readonly #schemaIds = new Map<string, { schema: Schema; id: number }[]>();
  readonly #dropWarning = new Throttler(DROP_WARN_INTERVAL_MS);
  #messages = 0;
  #messageBytes = 0;
  #dropped = 0;
  #closing: Promise<void> | undefined;

  /** @internal Use {@link openMcap}. */
  constructor(init: {
    encoder: McapEncoder;
    writable: McapWritable;
    file: FileWritable | undefined;
    queueBytes: number;
    channelFilter: SinkChannelFilter | undefined;
    context: Context;
  }) {
    this.#encoder = init.encoder;
    this.#writable = init.writable;
    this.#file = init.file;
    this.#queueBytes = init.queueBytes;
    this.channelFilter = init.channelFilter;
    this.context = init.context;
    this.#queue = new SerialQueue((work) => this.#write(work), {
      onError: (error) => log.warn("MCAP writer failed; later messages are dropped:", error),
    });
  }

  /** Messages recorded (in the file, or on their way to it). */
  get messageCount(): number {
    return this.#messages;
  }

  /** Payload bytes of the messages counted in {@link messageCount}. */
  get messageBytes(): number {
    return this.#messageBytes;
  }

  /** Messages dropped because the queue was full or the writer had failed or closed. */
  get dropped(): number {
    return this.#dropped;
  }

  /** Bytes handed to the file so far. */
  get bytesWritten(): bigint {
    return this.#writable.position();
  }

  /** @internal Sink callback: adds the message to the open chunk. */
  log(channel: RawChannel, data: Uint8Array, metadata: Metadata): void {
    if (
      this.#closing !== undefined ||
      this.#queue.closed ||
      this.#pendingBytes >= this.#queueBytes
    ) {
      this.#drop(channel);
      return;
    }
    const entry = this.#channels.get(channel) ?? this.#register(channel);
    entry.sequence = (entry.sequence + 1) >>> 0;
    this.#messages += 1;
    this.#messageBytes += data.byteLength;
    if (this.#canWriteUncopied(data.byteLength)) {
      this.#writeUncopied(entry, metadata.logTime, data);
      return;
    }
    const chunk = this.#encoder.addMessage(entry.id, entry.sequence, metadata.logTime, data);
    if (chunk === undefined) {
      return;
    }
    if (this.#canWriteChunkNow(chunk)) {
      this.#writeChunkNow(chunk);
    } else {
      this.#pushChunk(chunk);
    }
  }

  /**
   * Whether a full uncompressed chunk is written during `log`: to our file where its write is
   * cheap now, with nothing queued that it would overtake. Its buffer is then reused for the
   * next chunk while still in the CPU's cache.
   */
  #canWriteChunkNow(chunk: PendingChunk): boolean {
    if (this.#file === undefined || this.#encoder.compressed || !this.#queue.idle) {
      return false;
    }
    let bytes = chunk.buffer.byteLength;
    for (const { record } of chunk.messageIndexes) {
      bytes += record.byteLength;
    }
    return this.#file.canWriteNow(bytes);
  }

  /** Writes a full chunk on this thread, then any head left to fill in place (see `log`). */
  #writeChunkNow(chunk: PendingChunk): void {
    const file = this.#file!;
    try {
      file.writevNow(this.#encoder.encodeChunk(chunk, undefined));
      for (const { bytes, position } of this.#encoder.takePatches()) {
        file.writeAtNow(bytes, position);
      }
      this.#encoder.recycleChunk(chunk, undefined);
    } catch (error) {
      // The file no longer matches the encoder: fail as a queued write would.
      this.#queue.push({ kind: "fail", error });
    }
  }

  /**
   * Whether a message of `bytes` is written during `log` from the caller's data: large, into an
   * uncompressed chunk, to our file where a write of it and the open chunk is cheap now, and
   * with nothing queued that it would overtake.
   */
  #canWriteUncopied(bytes: number): boolean {
    return (
      bytes >= UNCOPIED_MIN_BYTES &&
      this.#file !== undefined &&
      !this.#encoder.compressed &&
      this.#queue.idle &&
      this.#file.canWriteNow(this.#encoder.openChunkBytes + bytes)
    );
  }

  /**
   * Writes the open chunk's bytes so far and the message, on this thread; a chunk that is then
   * full is finished at once (its Message Index records, then its head in place).
   */
  #writeUncopied(entry: { id: number; sequence: number }, logTime: bigint, data: Uint8Array): void {
    let chunk: PendingChunk | undefined;
    try {
      const added = this.#encoder.addMessageUncopied(entry.id, entry.sequence, logTime, data);
      chunk = added.chunk;
      this.#file!.writevNow(added.parts);
    } catch (error) {
      // The file no longer matches the encoder: fail as a queued write would.
      this.#queue.push({ kind: "fail", error });
      return;
    }
    if (chunk !== undefined) {
      this.#writeChunkNow(chunk);
    }
  }

  /**
   * Writes a Metadata record after the messages logged before. An empty `metadata` is not
   * written.
   * @throws {FoxgloveError} `ERR_SINK_CLOSED` after close; the writer's error if it failed
   */
  async writeMetadata(name: string, metadata: Readonly<Record<string, string>>): Promise<void> {
    const entries = Object.entries(metadata);
    if (entries.length === 0) {
      return;
    }
    for (const [key, value] of entries) {
      if (typeof value !== "string") {
        throw new FoxgloveError("ERR_VALUE", `metadata ${name}: value of ${key} must be a string`);
      }
    }
    await this.#enqueue({ kind: "metadata", metadata: { name, metadata: new Map(entries) } });
  }

  /**
   * Writes an Attachment record (a copy of `attachment.data`) after the messages logged before.
   * @throws {FoxgloveError} `ERR_SINK_CLOSED` after close; the writer's error if it failed
   */
  async attach(attachment: McapAttachment): Promise<void> {
    const logTime = attachment.logTime === undefined ? nowNanos() : toNanos(attachment.logTime);
    await this.#enqueue({
      kind: "attachment",
      attachment: {
        name: attachment.name,
        mediaType: attachment.mediaType,
        data: attachment.data.slice(),
        logTime,
        createTime: attachment.createTime === undefined ? logTime : toNanos(attachment.createTime),
      },
    });
  }

  /**
   * Writes the open chunk and everything queued to the file; resolves once it was handed to the
   * operating system. Flushing often makes small chunks.
   * @throws the writer's error if it failed
   */
  async flush(): Promise<void> {
    this.#pushOpenChunk();
    await this.#queue.flush();
  }

  /**
   * Stops recording, writes the open chunk, the queue and the summary, and closes the file.
   * Idempotent. Rejects with the writer's error if a write failed (the file is still closed).
   */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  /** Same as {@link close}. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  async #close(): Promise<void> {
    this.context.removeSink(this.id);
    this.#push({ kind: "end" }); // writes the open chunk first
    let failure: unknown;
    try {
      await this.#queue.close();
    } catch (error) {
      failure = error;
    }
    try {
      await this.#file?.close();
    } catch (error) {
      failure ??= error;
    }
    if (failure !== undefined) {
      throw failure instanceof FoxgloveError
        ? failure
        : new FoxgloveError(
            "ERR_IO",
            `cannot finish the MCAP file: ${failure instanceof Error ? failure.message : "unknown error"}`,
            { cause: failure },
          );
    }
  }

  #drop(channel: RawChannel): void {
    this.#dropped += 1;
    const suppressed = this.#dropWarning.tryAcquire();
    if (suppressed !== undefined && this.#closing === undefined) {
      const why = this.#queue.error !== undefined ? "the writer failed" : "the write queue is full";
      log.warn(
        `MCAP writer dropped a message on ${channel.topic}: ${why}` +
          (suppressed > 0 ? ` (${suppressed} similar warnings suppressed)` : ""),
      );
    }
  }

  #pushOpenChunk(): void {
    const chunk = this.#encoder.takeChunk();
    if (chunk !== undefined) {
      this.#pushChunk(chunk);
    }
  }

  /** Queues a full chunk: into the waiting batch, or as new work after what is queued. */
  #pushChunk(chunk: PendingChunk): void {
    if (this.#batch !== undefined) {
      this.#batch.push(chunk);
    } else {
      const chunks = [chunk];
      if (!this.#queue.push({ kind: "chunks", chunks })) {
        return; // the writer failed or closed
      }
      this.#batch = chunks;
    }
    this.#pendingBytes += chunk.records.byteLength;
  }

  /** Queues work other than chunks; chunks that fill up later go after it. */
  #push(work: Work): void {
    this.#batch = undefined;
    this.#queue.push(work);
  }

  async #enqueue(work: Work): Promise<void> {
    if (this.#closing !== undefined || this.#queue.closed) {
      throw this.#queue.error ?? new FoxgloveError("ERR_SINK_CLOSED", "the MCAP writer is closed");
    }
    this.#pushOpenChunk(); // keep file order = log order
    this.#push(work);
    await this.#queue.flush();
  }

  async #write(work: Work): Promise<void> {
    if (work.kind === "fail") {
      throw work.error;
    }
    if (work.kind === "chunks") {
      await this.#writeChunks(work.chunks);
      return;
    }
    await this.#output(
      work.kind === "metadata"
        ? [this.#encoder.encodeMetadata(work.metadata)]
        : work.kind === "attachment"
          ? [this.#encoder.encodeAttachment(work.attachment)]
          : await this.#encoder.finish(),
    );
  }

  async #writeChunks(chunks: PendingChunk[]): Promise<void> {
    if (chunks === this.#batch) {
      this.#batch = undefined; // chunks that fill up from now on are written after these
    }
    const bytes = chunks.reduce((sum, chunk) => sum + chunk.records.byteLength, 0);
    let compressed: (Uint8Array[] | undefined)[];
    try {
      // Compressed side by side (zstd on libuv's pool), then encoded in order.
      compressed = await Promise.all(chunks.map((c) => this.#encoder.compressChunk(c)));
      await this.#output(
        chunks.flatMap((chunk, i) => this.#encoder.encodeChunk(chunk, compressed[i])),
      );
    } finally {
      this.#pendingBytes -= bytes;
    }
    if (this.#file !== undefined) {
      // Our file keeps nothing once written (a caller's writable might): reuse the memory.
      chunks.forEach((chunk, i) => this.#encoder.recycleChunk(chunk, compressed[i]));
    }
  }

  async #output(parts: Uint8Array[]): Promise<void> {
    if (this.#writable.writev !== undefined) {
      await this.#writable.writev(parts);
    } else {
      for (const part of parts) {
        await this.#writable.write(part);
      }
    }
    // Heads of chunks written during `log` (only into our file), once the chunk is complete.
    for (const { bytes, position } of this.#encoder.takePatches()) {
      await this.#file!.writeAt(bytes, position);
    }
  }

  #register(channel: RawChannel): { id: number; sequence: number } {
    const schemaId = channel.schema === undefined ? 0 : this.#schemaId(channel.schema);
    const id = this.#encoder.addChannel({
      topic: channel.topic,
      messageEncoding: channel.messageEncoding,
      schemaId,
      metadata: new Map(Object.entries(channel.metadata)),
    });
    const entry = { id, sequence: 0 };
    this.#channels.set(channel, entry);
    return entry;
  }

  #schemaId(schema: Schema): number {
    const key = `${schema.name}\0${schema.encoding}`;
    const known = this.#schemaIds.get(key) ?? [];
    const found = known.find((k) => schemasEqual(k.schema, schema));
    if (found !== undefined) {
      return found.id;
    }
    const id = this.#encoder.addSchema({
      name: schema.name,
      encoding: schema.encoding,
      data: schema.data,
    });
    known.push({ schema, id });
    this.#schemaIds.set(key, known);
    return id;
  }
}
