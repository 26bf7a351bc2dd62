import { crc32 } from "@node-rs/crc32";
import {
  McapRecordBuilder,
  Opcode,
  type AttachmentIndex,
  type ChunkIndex,
  type McapTypes,
  type MetadataIndex,
  type SummaryOffset,
} from "@mcap/core";
import { CHUNK_HEAD_BYTES, ChunkBuilder, type BuiltChunk } from "./ChunkBuilder.js";
import type { ChunkCompressor } from "./chunkCompression.js";
import { crc32Combine } from "./crc32Combine.js";
import type { ResolvedMcapWriteOptions } from "./McapWriteOptions.js";

/** A chunk's content taken out of the encoder, to be encoded later by {@link McapEncoder.encodeChunk}. */
export type PendingChunk = BuiltChunk;

/** Bytes to write at a position of the file written before (a Chunk record's head). */
export interface McapPatch {
  readonly position: bigint;
  readonly bytes: Uint8Array;
}

/** What {@link McapEncoder} needs besides the write options. */
export interface McapEncoderInit {
  options: ResolvedMcapWriteOptions;
  /** Compresses chunk records; none means uncompressed chunks. */
  compressor: ChunkCompressor | undefined;
  /** The Header's `library`. */
  library: string;
}

/**
 * Builds the bytes of one MCAP file, record by record, with no I/O: a state machine whose output
 * must be written in the order it is returned (positions in the indexes assume so).
 *
 * Two sides: the logging side (`addSchema`, `addChannel`, `addMessage`, `takeChunk`) gathers
 * records into the open chunk synchronously and hands out full chunks; the writing side
 * (`start`, `encodeChunk`, `encodeMetadata`, `encodeAttachment`, `finish`, called one at a time)
 * turns them into file bytes, compressing chunks and keeping the summary's indexes, statistics
 * and CRCs. An uncompressed chunk's records are written from the buffer they were gathered in,
 * and its CRC is reused for the data-section CRC instead of being computed again.
 */
export class McapEncoder {
  readonly #options: ResolvedMcapWriteOptions;
  readonly #compressor: ChunkCompressor | undefined;
  readonly #library: string;
  readonly #chunk: ChunkBuilder;
  readonly #out = new McapRecordBuilder();
  readonly #schemas: McapTypes.Schema[] = [];
  readonly #channels: McapTypes.Channel[] = [];
  /** Messages per channel id. */
  readonly #channelCounts: number[] = [];
  readonly #chunkIndexes: ChunkIndex[] = [];
  readonly #attachmentIndexes: AttachmentIndex[] = [];
  readonly #metadataIndexes: MetadataIndex[] = [];
  #position = 0n;
  #dataCrc = 0;
  #messageStartTime = 0n;
  #messageEndTime = 0n;
  #chunkCount = 0;
  /** Heads of chunks written before their records were all known, to write in place. */
  #patches: McapPatch[] = [];

  constructor(init: McapEncoderInit) {
    this.#options = init.options;
    this.#compressor = init.compressor;
    this.#library = init.library;
    this.#chunk = new ChunkBuilder(init.options.chunkSize, init.options.emitMessageIndexes);
  }

  // ---- logging side ----

  /** Registers a schema and writes its record into the open chunk; returns its id (from 1). */
  addSchema(schema: Omit<McapTypes.Schema, "id">): number {
    const record = { ...schema, id: this.#schemas.length + 1 };
    this.#schemas.push(record);
    this.#chunk.addSchema(record);
    return record.id;
  }

  /** Registers a channel and writes its record into the open chunk; returns its id (from 0). */
  addChannel(channel: Omit<McapTypes.Channel, "id">): number {
    const record = { ...channel, id: this.#channels.length };
    this.#channels.push(record);
    this.#channelCounts.push(0);
    this.#chunk.addChannel(record);
    return record.id;
  }

  /**
   * Adds a message (its data is copied) to the open chunk, on a channel from {@link addChannel};
   * returns the chunk when it reached the chunk size.
   * @param logTime nanoseconds, also written as the publish time
   */
  addMessage(
    channelId: number,
    sequence: number,
    logTime: bigint,
    data: Uint8Array,
  ): PendingChunk | undefined {
    this.#chunk.addMessage(channelId, sequence, logTime, logTime, data);
    this.#channelCounts[channelId]! += 1;
    return this.#chunk.byteLength >= this.#options.chunkSize ? this.#chunk.take() : undefined;
  }

  /** Bytes of the open chunk not yet handed out (see {@link addMessageUncopied}). */
  get openChunkBytes(): number {
    return this.#chunk.unwrittenBytes;
  }

  /** Whether chunks are compressed (an uncompressed chunk's messages may be written uncopied). */
  get compressed(): boolean {
    return this.#compressor !== undefined;
  }

  /**
   * Adds a message like {@link addMessage} without copying its data, for uncompressed chunks
   * only, and returns the next bytes of the file up to the message's end: the open chunk's bytes
   * not written before (from its Chunk record's start on the chunk's first such message, with
   * the head left to fill: {@link takePatches} has it once the chunk is encoded), then `data`.
   * They must be written at once, before `data` may change, and with nothing written since the
   * output of the writing side (all of it written, none of it pending); `chunk` as in
   * {@link addMessage}.
   * @param logTime nanoseconds, also written as the publish time
   */
  addMessageUncopied(
    channelId: number,
    sequence: number,
    logTime: bigint,
    data: Uint8Array,
  ): { parts: Uint8Array[]; chunk: PendingChunk | undefined } {
    if (this.#compressor !== undefined) {
      throw new Error("addMessageUncopied: chunks are compressed");
    }
    const parts = this.#chunk.addMessageUncopied(channelId, sequence, logTime, logTime, data);
    this.#channelCounts[channelId]! += 1;
    this.#position += BigInt(parts[0].byteLength + parts[1].byteLength);
    const full = this.#chunk.byteLength >= this.#options.chunkSize;
    return { parts, chunk: full ? this.#chunk.take() : undefined };
  }

  /**
   * Heads of chunks encoded since the last call whose bytes were written before
   * (see {@link addMessageUncopied}): each to write at its position, after the chunk's parts.
   */
  takePatches(): McapPatch[] {
    const patches = this.#patches;
    this.#patches = [];
    return patches;
  }

  /**
   * Lets the encoder reuse the memory of a chunk it handed out and of its compressed bytes from
   * {@link compressChunk}, once its parts from {@link encodeChunk} were written and will not be
   * read again.
   */
  recycleChunk(chunk: PendingChunk, compressed: Uint8Array[] | undefined): void {
    this.#chunk.recycle(chunk);
    if (compressed !== undefined) {
      this.#compressor?.recycle?.(compressed);
    }
  }

  /** Takes the open chunk if it holds a message (to write it before another record). */
  takeChunk(): PendingChunk | undefined {
    return this.#chunk.messageCount === 0 ? undefined : this.#chunk.take();
  }

  // ---- writing side ----

  /** The magic and the Header record: the file's first bytes. */
  start(): Uint8Array {
    this.#out.writeMagic();
    this.#out.writeHeader({ profile: this.#options.profile, library: this.#library });
    return this.#emitData();
  }

  /**
   * The compressed bytes of a chunk's records (parts to write in order), or undefined without
   * compression. Independent of the encoder's state: chunks may be compressed concurrently, then
   * encoded in order by {@link encodeChunk}.
   */
  async compressChunk(pending: PendingChunk): Promise<Uint8Array[] | undefined> {
    return await this.#compressor?.compress(pending.records);
  }

  /**
   * A Chunk record and its Message Index records, as parts to write in order, given the chunk's
   * compressed bytes from {@link compressChunk}. An uncompressed chunk is one part with its
   * records (not copied again).
   */
  encodeChunk(pending: PendingChunk, compressed: Uint8Array[] | undefined): Uint8Array[] {
    const { recordsLength, recordsCrc, spilled } = pending;
    const compressor = this.#compressor;
    const parts: Uint8Array[] = [];
    // A chunk partly written already starts where its first bytes went (nothing since).
    const chunkStart = this.#position - BigInt(spilled);
    let compressedSize: number;
    if (compressor === undefined || compressed === undefined) {
      const head =
        spilled === 0
          ? pending.buffer.subarray(0, CHUNK_HEAD_BYTES)
          : new Uint8Array(CHUNK_HEAD_BYTES);
      writeChunkHead(head, pending, "", recordsCrc, recordsLength);
      // The data-section CRC goes on from the head over the records, whose CRC we have.
      this.#dataCrc = crc32Combine(crc32(head, this.#dataCrc), recordsCrc, recordsLength);
      this.#position += BigInt(pending.buffer.byteLength);
      parts.push(pending.buffer);
      if (spilled > 0) {
        this.#patches.push({ position: chunkStart, bytes: head });
      }
      compressedSize = recordsLength;
    } else {
      compressedSize = compressed.reduce((sum, part) => sum + part.byteLength, 0);
      const name = utf8.encode(compressor.name);
      const head = new Uint8Array(CHUNK_HEAD_BYTES + name.byteLength);
      writeChunkHead(head, pending, compressor.name, recordsCrc, compressedSize);
      this.#addData(head);
      parts.push(head);
      for (const part of compressed) {
        this.#addData(part);
        parts.push(part);
      }
    }
    const chunkLength = this.#position - chunkStart;
    const messageIndexOffsets = new Map<number, bigint>();
    let messageIndexLength = 0n;
    for (const { channelId, record } of pending.messageIndexes) {
      messageIndexOffsets.set(channelId, this.#position);
      messageIndexLength += BigInt(record.byteLength);
      this.#addData(record);
      parts.push(record);
    }
    if (this.#chunkCount === 0 || pending.messageStartTime < this.#messageStartTime) {
      this.#messageStartTime = pending.messageStartTime;
    }
    if (this.#chunkCount === 0 || pending.messageEndTime > this.#messageEndTime) {
      this.#messageEndTime = pending.messageEndTime;
    }
    this.#chunkCount += 1;
    if (this.#options.emitChunkIndexes) {
      this.#chunkIndexes.push({
        messageStartTime: pending.messageStartTime,
        messageEndTime: pending.messageEndTime,
        chunkStartOffset: chunkStart,
        chunkLength,
        messageIndexOffsets,
        messageIndexLength,
        compression: compressed === undefined ? "" : (compressor?.name ?? ""),
        compressedSize: BigInt(compressedSize),
        uncompressedSize: BigInt(recordsLength),
      });
    }
    return parts;
  }

  /** A Metadata record. */
  encodeMetadata(metadata: McapTypes.Metadata): Uint8Array {
    const offset = this.#position;
    const length = this.#out.writeMetadata(metadata);
    this.#metadataIndexes.push({ offset, length, name: metadata.name });
    return this.#emitData();
  }

  /** An Attachment record. */
  encodeAttachment(attachment: McapTypes.Attachment): Uint8Array {
    const offset = this.#position;
    const length = this.#out.writeAttachment(attachment);
    this.#attachmentIndexes.push({
      offset,
      length,
      logTime: attachment.logTime,
      createTime: attachment.createTime,
      dataSize: BigInt(attachment.data.byteLength),
      name: attachment.name,
      mediaType: attachment.mediaType,
    });
    return this.#emitData();
  }

  /**
   * The open chunk, Data End, the summary section, Footer and closing magic: the last bytes, as
   * parts to write in order.
   */
  async finish(): Promise<Uint8Array[]> {
    const pending = this.takeChunk();
    this.#chunk.release();
    const parts: Uint8Array[] =
      pending === undefined ? [] : this.encodeChunk(pending, await this.compressChunk(pending));
    const o = this.#options;
    this.#out.writeDataEnd({ dataSectionCrc: this.#dataCrc });
    const base = this.#position; // where this buffer starts in the file
    const summaryStart = base + BigInt(this.#out.length);
    const offsets: SummaryOffset[] = [];
    const group = (opcode: number, write: () => void) => {
      const start = this.#out.length;
      write();
      if (this.#out.length > start) {
        offsets.push({
          groupOpcode: opcode,
          groupStart: base + BigInt(start),
          groupLength: BigInt(this.#out.length - start),
        });
      }
    };
    if (o.repeatSchemas) {
      group(Opcode.SCHEMA, () => this.#schemas.forEach((s) => this.#out.writeSchema(s)));
    }
    if (o.repeatChannels) {
      group(Opcode.CHANNEL, () => this.#channels.forEach((c) => this.#out.writeChannel(c)));
    }
    if (o.emitStatistics) {
      group(Opcode.STATISTICS, () => this.#out.writeStatistics(this.#statistics()));
    }
    if (o.emitMetadataIndexes) {
      group(Opcode.METADATA_INDEX, () =>
        this.#metadataIndexes.forEach((m) => this.#out.writeMetadataIndex(m)),
      );
    }
    if (o.emitAttachmentIndexes) {
      group(Opcode.ATTACHMENT_INDEX, () =>
        this.#attachmentIndexes.forEach((a) => this.#out.writeAttachmentIndex(a)),
      );
    }
    if (o.emitChunkIndexes) {
      group(Opcode.CHUNK_INDEX, () =>
        this.#chunkIndexes.forEach((c) => this.#out.writeChunkIndex(c)),
      );
    }
    const summaryOffsetStart = base + BigInt(this.#out.length);
    if (o.emitSummaryOffsets) {
      offsets.forEach((s) => this.#out.writeSummaryOffset(s));
    }
    const hasSummary = base + BigInt(this.#out.length) > summaryStart;
    this.#out.writeFooter({
      summaryStart: hasSummary ? summaryStart : 0n,
      summaryOffsetStart: o.emitSummaryOffsets && offsets.length > 0 ? summaryOffsetStart : 0n,
      summaryCrc: 0,
    });
    this.#out.writeMagic();
    const tail = this.#out.buffer;
    this.#out.reset();
    if (hasSummary) {
      // The summary CRC covers the summary through the Footer's summary_offset_start field.
      const crcAt = tail.byteLength - 8 - 4;
      const from = Number(summaryStart - base);
      new DataView(tail.buffer, tail.byteOffset).setUint32(
        crcAt,
        crc32(tail.subarray(from, crcAt)),
        true,
      );
    }
    this.#position += BigInt(tail.byteLength);
    parts.push(tail);
    return parts;
  }

  /** Takes the records built so far as data-section bytes: counted in position and data CRC. */
  #emitData(): Uint8Array {
    const bytes = this.#out.buffer;
    this.#out.reset();
    this.#addData(bytes);
    return bytes;
  }

  /** Counts bytes about to be written in the data section. */
  #addData(bytes: Uint8Array): void {
    this.#dataCrc = crc32(bytes, this.#dataCrc);
    this.#position += BigInt(bytes.byteLength);
  }

  #statistics(): McapTypes.Statistics {
    return {
      messageCount: BigInt(this.#channelCounts.reduce((sum, n) => sum + n, 0)),
      schemaCount: this.#schemas.length,
      channelCount: this.#channels.length,
      attachmentCount: this.#attachmentIndexes.length,
      metadataCount: this.#metadataIndexes.length,
      chunkCount: this.#chunkCount,
      messageStartTime: this.#messageStartTime,
      messageEndTime: this.#messageEndTime,
      channelMessageCounts: new Map(
        this.#channelCounts.flatMap((n, id) => (n > 0 ? [[id, BigInt(n)] as const] : [])),
      ),
    };
  }
}

const utf8 = new TextEncoder();

/**
 * Writes the Chunk record up to its records into `head` (sized for the compression name):
 * opcode, length, start and end time, uncompressed size, CRC, compression, records length.
 */
function writeChunkHead(
  head: Uint8Array,
  pending: PendingChunk,
  compression: string,
  recordsCrc: number,
  storedBytes: number,
): void {
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const name = utf8.encode(compression);
  view.setUint8(0, Opcode.CHUNK);
  view.setBigUint64(1, BigInt(head.byteLength - 9 + storedBytes), true);
  view.setBigUint64(9, pending.messageStartTime, true);
  view.setBigUint64(17, pending.messageEndTime, true);
  view.setBigUint64(25, BigInt(pending.recordsLength), true);
  view.setUint32(33, recordsCrc, true);
  view.setUint32(37, name.byteLength, true);
  head.set(name, 41);
  view.setBigUint64(41 + name.byteLength, BigInt(storedBytes), true);
}
