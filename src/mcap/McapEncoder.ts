import { crc32 } from "node:zlib";
import {
  McapChunkBuilder,
  McapRecordBuilder,
  Opcode,
  type AttachmentIndex,
  type ChunkIndex,
  type McapTypes,
  type MessageIndex,
  type MetadataIndex,
  type SummaryOffset,
} from "@mcap/core";
import type { ChunkCompressor } from "./chunkCompression.js";
import type { ResolvedMcapWriteOptions } from "./McapWriteOptions.js";

/** A chunk's content taken out of the encoder, to be encoded later by {@link McapEncoder.encodeChunk}. */
export interface PendingChunk {
  readonly records: Uint8Array;
  readonly messageStartTime: bigint;
  readonly messageEndTime: bigint;
  readonly messageIndexes: readonly MessageIndex[];
}

/** What {@link McapEncoder} needs besides the write options. */
export interface McapEncoderInit {
  options: ResolvedMcapWriteOptions;
  /** Compresses chunk records; none means uncompressed chunks. */
  compressChunk: ChunkCompressor | undefined;
  /** The Header's `library`. */
  library: string;
}

/**
 * Builds the bytes of one MCAP file, record by record, with no I/O: a state machine whose output
 * must be written in the order it is returned (positions in the indexes assume so).
 *
 * Two sides: the logging side (`addSchema`, `addChannel`, `addMessage`, `takeChunk`) gathers
 * records into the open chunk synchronously and hands out full chunks; the writing side
 * (`start`, `encodeChunk`, `encodeMetadata`, `encodeAttachment`, `finish`) turns them into file
 * bytes, compressing chunks and keeping the summary's indexes, statistics and CRCs.
 */
export class McapEncoder {
  readonly #options: ResolvedMcapWriteOptions;
  readonly #compressChunk: ChunkCompressor | undefined;
  readonly #library: string;
  readonly #chunk: McapChunkBuilder;
  readonly #out = new McapRecordBuilder();
  readonly #schemas: McapTypes.Schema[] = [];
  readonly #channels: McapTypes.Channel[] = [];
  readonly #chunkIndexes: ChunkIndex[] = [];
  readonly #attachmentIndexes: AttachmentIndex[] = [];
  readonly #metadataIndexes: MetadataIndex[] = [];
  readonly #channelCounts = new Map<number, number>();
  #position = 0n;
  #dataCrc = 0;
  #messageCount = 0;
  #messageStartTime = 0n;
  #messageEndTime = 0n;
  #chunkCount = 0;

  constructor(init: McapEncoderInit) {
    this.#options = init.options;
    this.#compressChunk = init.compressChunk;
    this.#library = init.library;
    this.#chunk = new McapChunkBuilder({ useMessageIndex: init.options.emitMessageIndexes });
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
    this.#chunk.addChannel(record);
    return record.id;
  }

  /**
   * Adds a message (its data is copied) to the open chunk; returns the chunk when it reached the
   * chunk size.
   */
  addMessage(message: McapTypes.Message): PendingChunk | undefined {
    this.#chunk.addMessage(message);
    if (this.#messageCount === 0 || message.logTime < this.#messageStartTime) {
      this.#messageStartTime = message.logTime;
    }
    if (this.#messageCount === 0 || message.logTime > this.#messageEndTime) {
      this.#messageEndTime = message.logTime;
    }
    this.#messageCount += 1;
    this.#channelCounts.set(
      message.channelId,
      (this.#channelCounts.get(message.channelId) ?? 0) + 1,
    );
    return this.#chunk.byteLength >= this.#options.chunkSize ? this.takeChunk() : undefined;
  }

  /** Takes the open chunk if it holds a message (to write it before another record). */
  takeChunk(): PendingChunk | undefined {
    const chunk = this.#chunk;
    if (chunk.numMessages === 0) {
      return undefined;
    }
    const pending: PendingChunk = {
      records: chunk.buffer,
      messageStartTime: chunk.messageStartTime,
      messageEndTime: chunk.messageEndTime,
      messageIndexes: [...chunk.indices].map((i) => ({
        channelId: i.channelId,
        records: i.records,
      })),
    };
    chunk.reset();
    return pending;
  }

  // ---- writing side ----

  /** The magic and the Header record: the file's first bytes. */
  start(): Uint8Array {
    this.#out.writeMagic();
    this.#out.writeHeader({ profile: this.#options.profile, library: this.#library });
    return this.#emitData();
  }

  /**
   * A Chunk record (compressed) and its Message Index records, as parts to write in order: the
   * chunk's header, its records (not copied again), and the indexes.
   */
  encodeChunk(pending: PendingChunk): Uint8Array[] {
    const { records } = pending;
    let compression = "";
    let data = records;
    if (this.#compressChunk !== undefined) {
      ({ compression, compressedData: data } = this.#compressChunk(records));
    }
    const chunkStart = this.#position;
    const header = chunkHeader(pending, compression, records, data);
    const chunkLength = BigInt(header.byteLength + data.byteLength);
    this.#addData(header);
    this.#addData(data);
    const indexStart = this.#position;
    const messageIndexOffsets = new Map<number, bigint>();
    let messageIndexLength = 0n;
    for (const index of pending.messageIndexes) {
      messageIndexOffsets.set(index.channelId, indexStart + BigInt(this.#out.length));
      messageIndexLength += this.#out.writeMessageIndex(index);
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
        compression,
        compressedSize: BigInt(data.byteLength),
        uncompressedSize: BigInt(records.byteLength),
      });
    }
    return [header, data, this.#emitData()];
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
  finish(): Uint8Array[] {
    const pending = this.takeChunk();
    const parts: Uint8Array[] = pending === undefined ? [] : this.encodeChunk(pending);
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
      messageCount: BigInt(this.#messageCount),
      schemaCount: this.#schemas.length,
      channelCount: this.#channels.length,
      attachmentCount: this.#attachmentIndexes.length,
      metadataCount: this.#metadataIndexes.length,
      chunkCount: this.#chunkCount,
      messageStartTime: this.#messageStartTime,
      messageEndTime: this.#messageEndTime,
      channelMessageCounts: new Map(
        [...this.#channelCounts].map(([id, n]) => [id, BigInt(n)] as const),
      ),
    };
  }
}

const utf8 = new TextEncoder();

/** The Chunk record up to its records: opcode, length and the fields before `records`. */
function chunkHeader(
  pending: PendingChunk,
  compression: string,
  records: Uint8Array,
  data: Uint8Array,
): Uint8Array {
  const name = utf8.encode(compression);
  // start, end, uncompressed size (u64 x3), CRC (u32), compression (u32 length + bytes),
  // records length (u64), then the records.
  const fields = 8 + 8 + 8 + 4 + 4 + name.byteLength + 8;
  const header = new Uint8Array(1 + 8 + fields);
  const view = new DataView(header.buffer);
  view.setUint8(0, Opcode.CHUNK);
  view.setBigUint64(1, BigInt(fields + data.byteLength), true);
  view.setBigUint64(9, pending.messageStartTime, true);
  view.setBigUint64(17, pending.messageEndTime, true);
  view.setBigUint64(25, BigInt(records.byteLength), true);
  view.setUint32(33, crc32(records), true);
  view.setUint32(37, name.byteLength, true);
  header.set(name, 41);
  view.setBigUint64(41 + name.byteLength, BigInt(data.byteLength), true);
  return header;
}
