import { crc32 } from "@node-rs/crc32";
import { McapRecordBuilder, Opcode, type McapTypes } from "@mcap/core";

/**
 * Bytes left free before a chunk's records: the head of an uncompressed Chunk record (opcode,
 * length, start and end time, uncompressed size, CRC, empty compression name, records length),
 * so that such a chunk is written from one buffer without copying its records.
 */
export const CHUNK_HEAD_BYTES = 1 + 8 + 8 + 8 + 8 + 4 + 4 + 8;

/** A Message record up to its data: opcode, length, channel id, sequence, log and publish time. */
const MESSAGE_HEAD_BYTES = 1 + 8 + 2 + 4 + 8 + 8;
/** A Message Index record up to its entries: opcode, length, channel id, entries' byte length. */
const INDEX_HEAD_BYTES = 1 + 8 + 2 + 4;
/** One Message Index entry: log time and offset in the chunk's records, u64 each. */
const INDEX_ENTRY_BYTES = 16;
const TWO_32 = 2 ** 32;
const NO_DATA = new Uint8Array(0);
/**
 * The records' CRC is brought up to date whenever this many bytes were appended since: while they
 * are still in the CPU's cache, and in few calls.
 */
const CRC_STEP = 64 * 1024;
/**
 * Most chunk buffers of one size kept for reuse (18 MiB with the default chunk size): a burst
 * queues many chunks behind the disk, and their buffers serve the next burst.
 */
const SPARE_BUFFERS = 16;
/**
 * Memory of written chunks, by size, shared by all builders (a program that records file after
 * file reuses it): fresh memory costs page faults, and garbage collections to free it.
 */
const spareBuffers = new Map<number, ArrayBuffer[]>();

/** The content of a chunk taken out of a {@link ChunkBuilder}. */
export interface BuiltChunk {
  /**
   * The chunk's bytes not handed out before (one buffer, handed over): unless {@link spilled},
   * {@link CHUNK_HEAD_BYTES} free bytes, then {@link records}.
   */
  readonly buffer: Uint8Array;
  /**
   * The chunk's records (Schema, Channel and Message records) in {@link buffer}, a view on it:
   * all of them unless {@link spilled}.
   */
  readonly records: Uint8Array;
  /** Bytes of all the chunk's records. */
  readonly recordsLength: number;
  /**
   * Bytes of the chunk handed out by {@link ChunkBuilder.addMessageUncopied} before
   * {@link buffer}, from the start of its Chunk record (whose head was left to fill); 0 if none.
   */
  readonly spilled: number;
  /** CRC-32 of all the chunk's records. */
  readonly recordsCrc: number;
  /** Earliest and latest log time of the chunk's messages, in nanoseconds. */
  readonly messageStartTime: bigint;
  readonly messageEndTime: bigint;
  /**
   * Complete Message Index records, one per channel with messages in the chunk, in order of
   * each channel's first message; empty unless message indexes are kept.
   */
  readonly messageIndexes: readonly { readonly channelId: number; readonly record: Uint8Array }[];
}

/**
 * Gathers the records of one MCAP chunk into a single growable buffer, with the Message Index
 * records of its channels built alongside, and hands both over without copying
 * ({@link ChunkBuilder.take}). Records are encoded per the MCAP specification, byte for byte as
 * `@mcap/core`'s chunk builder encodes them.
 */
export class ChunkBuilder {
  readonly #capacity: number;
  readonly #keepIndexes: boolean;
  readonly #records = new McapRecordBuilder();
  #buffer: Uint8Array;
  #view: DataView;
  /** Bytes used in {@link #buffer}. */
  #length = CHUNK_HEAD_BYTES;
  /** Bytes of the chunk handed out before {@link #buffer}'s, from its head on. */
  #spilled = 0;
  /** CRC-32 of the records up to {@link #crcEnd}. */
  #crc = 0;
  #crcEnd = CHUNK_HEAD_BYTES;
  #messages = 0;
  #startTime = 0n;
  #endTime = 0n;
  /** Index builders by channel id, and the ones with entries in this chunk, in first-use order. */
  readonly #indexes: (IndexBuilder | undefined)[] = [];
  #used: IndexBuilder[] = [];

  /**
   * @param chunkSize the chunk size the writer takes chunks at (bytes of records): the buffer
   *   starts with room for it and grows for larger chunks
   * @param keepIndexes build Message Index records
   */
  constructor(chunkSize: number, keepIndexes: boolean) {
    // Room for a chunk that reaches the size with one more message of up to 1/8 of it.
    this.#capacity = CHUNK_HEAD_BYTES + chunkSize + Math.ceil(chunkSize / 8) + MESSAGE_HEAD_BYTES;
    this.#keepIndexes = keepIndexes;
    this.#buffer = this.#newBuffer();
    this.#view = viewOf(this.#buffer);
  }

  /** Bytes of records in the open chunk. */
  get byteLength(): number {
    return this.#spilled + this.#length - CHUNK_HEAD_BYTES;
  }

  /** Bytes of the open chunk not handed out by {@link addMessageUncopied}, its head included. */
  get unwrittenBytes(): number {
    return this.#length;
  }

  /** Messages in the open chunk. */
  get messageCount(): number {
    return this.#messages;
  }

  /** Appends a Schema record. */
  addSchema(schema: McapTypes.Schema): void {
    this.#records.writeSchema(schema);
    this.#appendRecords();
  }

  /** Appends a Channel record. */
  addChannel(channel: McapTypes.Channel): void {
    this.#records.writeChannel(channel);
    this.#appendRecords();
  }

  /**
   * Appends a Message record (`data` is copied) and its Message Index entry.
   * @param logTime nanoseconds; `publishTime` likewise
   */
  addMessage(
    channelId: number,
    sequence: number,
    logTime: bigint,
    publishTime: bigint,
    data: Uint8Array,
  ): void {
    const offset = this.#length;
    this.#reserve(MESSAGE_HEAD_BYTES + data.byteLength);
    const view = this.#view;
    const length = MESSAGE_HEAD_BYTES - 9 + data.byteLength;
    view.setUint8(offset, Opcode.MESSAGE);
    view.setUint32(offset + 1, length % TWO_32, true);
    view.setUint32(offset + 5, Math.floor(length / TWO_32), true);
    view.setUint16(offset + 9, channelId, true);
    view.setUint32(offset + 11, sequence, true);
    view.setBigUint64(offset + 15, logTime, true);
    view.setBigUint64(offset + 23, publishTime, true);
    this.#buffer.set(data, offset + MESSAGE_HEAD_BYTES);
    this.#length = offset + MESSAGE_HEAD_BYTES + data.byteLength;
    if (this.#length - this.#crcEnd >= CRC_STEP) {
      this.#updateCrc();
    }
    if (this.#messages === 0) {
      this.#startTime = logTime;
      this.#endTime = logTime;
    } else if (logTime < this.#startTime) {
      this.#startTime = logTime;
    } else if (logTime > this.#endTime) {
      this.#endTime = logTime;
    }
    this.#messages += 1;
    if (this.#keepIndexes) {
      let index = this.#indexes[channelId];
      if (index === undefined) {
        index = new IndexBuilder(channelId);
        this.#indexes[channelId] = index;
      }
      if (index.empty) {
        this.#used.push(index);
      }
      index.add(logTime, this.#spilled + offset - CHUNK_HEAD_BYTES);
    }
  }

  /**
   * Appends a Message record without copying `data`, and hands out the chunk's bytes up to its
   * end: the bytes not handed out before (from the start of the Chunk record on a chunk's first
   * call, with a head to be replaced that makes readers wait for a record as long as the
   * largest safe integer), then `data`. They must be written at once, before `data`
   * may change and before this builder is called again (the first part is a view on its
   * memory); the chunk taken later says how many bytes were handed out (`spilled`).
   * @param logTime nanoseconds; `publishTime` likewise
   */
  addMessageUncopied(
    channelId: number,
    sequence: number,
    logTime: bigint,
    publishTime: bigint,
    data: Uint8Array,
  ): [Uint8Array, Uint8Array] {
    this.#reserve(MESSAGE_HEAD_BYTES);
    if (this.#spilled === 0) {
      // Until the head is written in place, a reader takes the chunk for one still incomplete.
      this.#buffer.fill(0, 0, CHUNK_HEAD_BYTES);
      this.#view.setUint8(0, Opcode.CHUNK);
      this.#view.setBigUint64(1, BigInt(Number.MAX_SAFE_INTEGER), true);
    }
    this.#updateCrc(); // so that the record is not in the CRC before its length is set
    const offset = this.#length;
    this.addMessage(channelId, sequence, logTime, publishTime, NO_DATA);
    // The record's length counts `data`, which follows it in the file, not in the buffer.
    const length = MESSAGE_HEAD_BYTES - 9 + data.byteLength;
    this.#view.setUint32(offset + 1, length % TWO_32, true);
    this.#view.setUint32(offset + 5, Math.floor(length / TWO_32), true);
    this.#updateCrc();
    this.#crc = crc32(data, this.#crc);
    const before = this.#buffer.subarray(0, this.#length);
    this.#spilled += this.#length + data.byteLength;
    this.#length = 0;
    this.#crcEnd = 0;
    return [before, data];
  }

  /** Hands over the open chunk and starts an empty one. */
  take(): BuiltChunk {
    this.#updateCrc();
    const buffer = this.#buffer.subarray(0, this.#length);
    const chunk: BuiltChunk = {
      buffer,
      records: this.#spilled === 0 ? buffer.subarray(CHUNK_HEAD_BYTES) : buffer,
      recordsLength: this.byteLength,
      spilled: this.#spilled,
      recordsCrc: this.#crc,
      messageStartTime: this.#startTime,
      messageEndTime: this.#endTime,
      messageIndexes: this.#used.map((index) => ({
        channelId: index.channelId,
        record: index.take(),
      })),
    };
    // The next buffer is taken when the next record comes: a chunk written before then gives
    // its own back (recycle), still in the CPU's cache.
    this.#buffer = NO_DATA;
    this.#view = viewOf(this.#buffer);
    this.#length = CHUNK_HEAD_BYTES;
    this.#spilled = 0;
    this.#crc = 0;
    this.#crcEnd = CHUNK_HEAD_BYTES;
    this.#messages = 0;
    this.#startTime = 0n;
    this.#endTime = 0n;
    this.#used = [];
    return chunk;
  }

  /**
   * Gives back the buffer of a chunk from {@link take} once nothing reads it any more (it was
   * written and its compression settled), to be reused for a later chunk.
   */
  recycle(chunk: BuiltChunk): void {
    const memory = chunk.buffer.buffer as ArrayBuffer;
    if (memory.byteLength !== this.#capacity || memory === this.#buffer.buffer) {
      return; // grown for a large message, or still in use
    }
    keepSpare(memory);
  }

  /** Gives back the open chunk's buffer when no record will be added any more (it must be empty). */
  release(): void {
    if (this.#messages === 0 && this.#length === CHUNK_HEAD_BYTES && this.#spilled === 0) {
      if (this.#buffer.byteLength === this.#capacity) {
        keepSpare(this.#buffer.buffer as ArrayBuffer);
      }
      this.#buffer = new Uint8Array(0);
      this.#view = viewOf(this.#buffer);
    }
  }

  #newBuffer(): Uint8Array {
    const spare = spareBuffers.get(this.#capacity)?.pop();
    return spare === undefined ? allocate(this.#capacity) : Buffer.from(spare);
  }

  #updateCrc(): void {
    this.#crc = crc32(this.#buffer.subarray(this.#crcEnd, this.#length), this.#crc);
    this.#crcEnd = this.#length;
  }

  #appendRecords(): void {
    const bytes = this.#records.buffer;
    this.#reserve(bytes.byteLength);
    this.#buffer.set(bytes, this.#length);
    this.#length += bytes.byteLength;
    this.#records.reset();
  }

  /**
   * Makes room for `bytes` more bytes: a buffer for a new chunk, or the buffer grown (doubled)
   * when needed.
   */
  #reserve(bytes: number): void {
    const needed = this.#length + bytes;
    if (needed > this.#buffer.byteLength) {
      const grown =
        this.#buffer.byteLength === 0 && needed <= this.#capacity
          ? this.#newBuffer()
          : allocate(Math.max(needed, this.#buffer.byteLength * 2));
      grown.set(this.#buffer.subarray(0, this.#length));
      this.#buffer = grown;
      this.#view = viewOf(grown);
    }
  }
}

/** The Message Index record of one channel, built entry by entry into its own buffer. */
class IndexBuilder {
  readonly channelId: number;
  #buffer = allocate(INDEX_HEAD_BYTES + 64 * INDEX_ENTRY_BYTES);
  #view = viewOf(this.#buffer);
  #length = INDEX_HEAD_BYTES;

  constructor(channelId: number) {
    this.channelId = channelId;
  }

  get empty(): boolean {
    return this.#length === INDEX_HEAD_BYTES;
  }

  add(logTime: bigint, offset: number): void {
    if (this.#length + INDEX_ENTRY_BYTES > this.#buffer.byteLength) {
      const grown = allocate(this.#buffer.byteLength * 2);
      grown.set(this.#buffer.subarray(0, this.#length));
      this.#buffer = grown;
      this.#view = viewOf(grown);
    }
    const view = this.#view;
    const at = this.#length;
    view.setBigUint64(at, logTime, true);
    view.setUint32(at + 8, offset % TWO_32, true);
    view.setUint32(at + 12, Math.floor(offset / TWO_32), true);
    this.#length = at + INDEX_ENTRY_BYTES;
  }

  /** The finished record (handed over); the builder starts empty with a buffer of the same size. */
  take(): Uint8Array {
    const view = this.#view;
    const length = this.#length;
    view.setUint8(0, Opcode.MESSAGE_INDEX);
    view.setUint32(1, (length - 9) % TWO_32, true);
    view.setUint32(5, Math.floor((length - 9) / TWO_32), true);
    view.setUint16(9, this.channelId, true);
    view.setUint32(11, length - INDEX_HEAD_BYTES, true);
    const record = this.#buffer.subarray(0, length);
    this.#buffer = allocate(this.#buffer.byteLength);
    this.#view = viewOf(this.#buffer);
    this.#length = INDEX_HEAD_BYTES;
    return record;
  }
}

/** Keeps `memory` for a later chunk of its size, unless enough are kept already. */
function keepSpare(memory: ArrayBuffer): void {
  const spare = spareBuffers.get(memory.byteLength) ?? [];
  if (spare.length < SPARE_BUFFERS && !spare.includes(memory)) {
    spare.push(memory);
    spareBuffers.set(memory.byteLength, spare);
  }
}

/** An uninitialized buffer (every byte is written before it is read). */
function allocate(bytes: number): Uint8Array {
  return Buffer.allocUnsafeSlow(bytes);
}

function viewOf(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
