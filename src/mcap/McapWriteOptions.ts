import type { Context } from "../core/Context.js";
import { FoxgloveError } from "../core/FoxgloveError.js";
import type { SinkChannelFilter } from "../core/Sink.js";
import type { McapCompression } from "./chunkCompression.js";

/** How an MCAP file is laid out. Every field is optional; defaults are given per field. */
export interface McapWriteOptions {
  /** Chunk compression. Default `"zstd"`. */
  compression?: McapCompression;
  /**
   * Uncompressed bytes of records gathered before a chunk is compressed and written, >= 1.
   * Smaller chunks lose less when the process is killed, at some cost in size and speed.
   * Default 1 MiB.
   */
  chunkSize?: number;
  /** The header's `profile`, e.g. `ros2`. Default `""`. */
  profile?: string;
  /** Write a Statistics record. Default true. */
  emitStatistics?: boolean;
  /** Write Summary Offset records. Default true. */
  emitSummaryOffsets?: boolean;
  /** Write Message Index records after each chunk. Default true. */
  emitMessageIndexes?: boolean;
  /** Write Chunk Index records in the summary. Default true. */
  emitChunkIndexes?: boolean;
  /** Write Attachment Index records in the summary. Default true. */
  emitAttachmentIndexes?: boolean;
  /** Write Metadata Index records in the summary. Default true. */
  emitMetadataIndexes?: boolean;
  /** Repeat the Channel records in the summary. Default true. */
  repeatChannels?: boolean;
  /** Repeat the Schema records in the summary. Default true. */
  repeatSchemas?: boolean;
  /**
   * Most bytes of full chunks waiting for the file (>= 1). `log` never blocks: while more wait
   * (a stalled disk), new messages are dropped, counted in `McapWriter.dropped` and warned
   * about. Default 64 MiB.
   */
  queueBytes?: number;
}

/** Options of `openMcap`: the file layout plus where messages come from. */
export interface OpenMcapOptions extends McapWriteOptions {
  /** The context whose channels are recorded. Default `Context.default()`. */
  context?: Context;
  /** Records only the channels for which this returns true. Default: all. */
  channelFilter?: SinkChannelFilter;
  /**
   * Replace an existing file at the path (a regular file is unlinked and created anew, its old
   * content freed in the background; a symbolic link or a file with other hard links is
   * truncated in place). Default false: opening an existing path fails.
   */
  allowOverwrite?: boolean;
}

/** {@link McapWriteOptions} with every default filled in. */
export type ResolvedMcapWriteOptions = Required<McapWriteOptions>;

/** Default {@link McapWriteOptions.chunkSize}: 1 MiB. */
export const DEFAULT_MCAP_CHUNK_SIZE = 1024 * 1024;
/** Default {@link McapWriteOptions.queueBytes}: 64 MiB. */
export const DEFAULT_MCAP_QUEUE_BYTES = 64 * 1024 * 1024;

/**
 * Fills in the defaults of `options`.
 * @throws {FoxgloveError} `ERR_VALUE` for a size that is not a whole number >= 1
 */
export function resolveMcapWriteOptions(options: McapWriteOptions): ResolvedMcapWriteOptions {
  return {
    compression: options.compression === undefined ? "zstd" : options.compression,
    chunkSize: positive("chunkSize", options.chunkSize ?? DEFAULT_MCAP_CHUNK_SIZE),
    profile: options.profile ?? "",
    emitStatistics: options.emitStatistics ?? true,
    emitSummaryOffsets: options.emitSummaryOffsets ?? true,
    emitMessageIndexes: options.emitMessageIndexes ?? true,
    emitChunkIndexes: options.emitChunkIndexes ?? true,
    emitAttachmentIndexes: options.emitAttachmentIndexes ?? true,
    emitMetadataIndexes: options.emitMetadataIndexes ?? true,
    repeatChannels: options.repeatChannels ?? true,
    repeatSchemas: options.repeatSchemas ?? true,
    queueBytes: positive("queueBytes", options.queueBytes ?? DEFAULT_MCAP_QUEUE_BYTES),
  };
}

function positive(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new FoxgloveError("ERR_VALUE", `${name} must be a whole number >= 1, got ${value}`);
  }
  return value;
}
