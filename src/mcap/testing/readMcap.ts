// Reads an MCAP file back with @mcap/core's own readers (the independent check of our writer).
import { readFile } from "node:fs/promises";
import { crc32 } from "node:zlib";
import { McapIndexedReader, McapStreamReader, type McapTypes } from "@mcap/core";
import { loadDecompressHandlers } from "../chunkCompression.js";
import { FileReadable } from "../FileReadable.js";

/** A message as read back: its channel's topic and the record's fields. */
export interface ReadMessage {
  topic: string;
  sequence: number;
  logTime: bigint;
  data: Uint8Array;
}

/** What the indexed reader found (it needs a complete file with summary and footer). */
export interface IndexedContent {
  header: McapTypes.Header;
  channels: McapTypes.Channel[];
  schemas: McapTypes.Schema[];
  messages: ReadMessage[];
  metadata: McapTypes.Metadata[];
  attachments: McapTypes.Attachment[];
  chunkCompressions: string[];
  statistics: McapTypes.Statistics | undefined;
  /** The Data End record's CRC equals the CRC of the bytes before it. */
  dataSectionCrcValid: boolean;
}

/** Reads `path` with `McapIndexedReader`: every message in log-time order, metadata, attachments. */
export async function readIndexed(path: string): Promise<IndexedContent> {
  await using file = await FileReadable.open(path);
  const reader = await McapIndexedReader.Initialize({
    readable: file,
    decompressHandlers: await loadDecompressHandlers(),
  });
  const channels = [...reader.channelsById.values()];
  const topics = new Map(channels.map((c) => [c.id, c.topic]));
  const messages: ReadMessage[] = [];
  for await (const m of reader.readMessages()) {
    messages.push({
      topic: topics.get(m.channelId) ?? "?",
      sequence: m.sequence,
      logTime: m.logTime,
      data: m.data,
    });
  }
  const metadata: McapTypes.Metadata[] = [];
  for await (const m of reader.readMetadata()) {
    metadata.push(m);
  }
  const attachments: McapTypes.Attachment[] = [];
  for await (const a of reader.readAttachments()) {
    attachments.push(a);
  }
  return {
    header: reader.header,
    channels,
    schemas: [...reader.schemasById.values()],
    messages,
    metadata,
    attachments,
    chunkCompressions: [...new Set(reader.chunkIndexes.map((c) => c.compression))],
    statistics: reader.statistics,
    dataSectionCrcValid:
      reader.dataSectionCrc ===
      crc32((await readFile(path)).subarray(0, Number(reader.dataEndOffset))),
  };
}

/** What the stream reader found, in file order, up to the first incomplete record. */
export interface StreamContent {
  messages: ReadMessage[];
  chunkCompressions: string[];
  /** True when the file ended with a valid footer and magic. */
  complete: boolean;
  /** Bytes after the last complete record (a truncated tail). */
  trailingBytes: number;
}

/** Reads `path` from start to end with `McapStreamReader`, stopping at a truncated tail. */
export async function readStream(path: string): Promise<StreamContent> {
  const reader = new McapStreamReader({
    includeChunks: true,
    decompressHandlers: await loadDecompressHandlers(),
  });
  reader.append(await readFile(path));
  const topics = new Map<number, string>();
  const messages: ReadMessage[] = [];
  const compressions = new Set<string>();
  for (let record; (record = reader.nextRecord());) {
    if (record.type === "Channel") {
      topics.set(record.id, record.topic);
    } else if (record.type === "Chunk") {
      compressions.add(record.compression);
    } else if (record.type === "Message") {
      messages.push({
        topic: topics.get(record.channelId) ?? "?",
        sequence: record.sequence,
        logTime: record.logTime,
        data: record.data,
      });
    }
  }
  return {
    messages,
    chunkCompressions: [...compressions],
    complete: reader.done(),
    trailingBytes: reader.bytesRemaining(),
  };
}
