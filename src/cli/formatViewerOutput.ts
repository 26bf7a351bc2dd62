import { statusLevelName, type Status } from "../protocol/index.js";
import type { ViewerChannel, ViewerMessage } from "../viewer/index.js";
import { alignColumns } from "./alignColumns.js";

const NS_PER_MS = 1_000_000n;

/** A log time (ns since the epoch) as ISO 8601 UTC with nanoseconds, e.g. `2026-01-02T03:04:05.123456789Z`. */
export function formatLogTime(ns: bigint): string {
  if (ns < 0n) {
    return String(ns);
  }
  const ms = ns / NS_PER_MS;
  const iso = new Date(Number(ms)).toISOString(); // ...T03:04:05.123Z
  const nanos = (ns % 1_000_000_000n).toString().padStart(9, "0");
  return `${iso.slice(0, 19)}.${nanos}Z`;
}

/** The channel list of `foxglove-remote topics` as an aligned text table. */
export function formatChannelTable(channels: readonly ViewerChannel[]): string {
  if (channels.length === 0) {
    return "no channels";
  }
  const rows = [
    ["ID", "TOPIC", "ENCODING", "SCHEMA", "DELIVERY"],
    ...channels.map((c) => [
      String(c.id),
      c.topic,
      c.messageEncoding,
      c.schemaName === "" ? "-" : c.schemaName,
      c.reliable ? "reliable" : "lossy",
    ]),
  ];
  return alignColumns(rows);
}

/** One channel as a plain object for `topics --json`. */
export function channelJson(c: ViewerChannel): Record<string, unknown> {
  return {
    id: c.id,
    topic: c.topic,
    encoding: c.messageEncoding,
    schemaName: c.schemaName,
    schemaEncoding: c.schema?.encoding ?? null,
    reliable: c.reliable,
    metadata: c.metadata,
  };
}

/** The decoded JSON of a `json` message, or undefined when it is not valid JSON. */
function decodeJson(m: ViewerMessage): unknown {
  if (m.channel.messageEncoding !== "json") {
    return undefined;
  }
  try {
    return JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(m.data)) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * One line of `foxglove-remote echo`. Text mode: `<log time> <topic> <compact JSON>` for JSON
 * messages, otherwise `<log time> <topic> <encoding> <schema> <size> bytes`. JSON mode: one
 * object per line with topic, channel id, log time (ns as a decimal string), encoding, schema
 * name, size, and the decoded `data` for JSON messages (null otherwise).
 */
export function formatMessageLine(m: ViewerMessage, json: boolean): string {
  const decoded = decodeJson(m);
  if (json) {
    return JSON.stringify({
      topic: m.channel.topic,
      channelId: m.channel.id,
      logTime: m.logTime.toString(),
      encoding: m.channel.messageEncoding,
      schemaName: m.channel.schemaName,
      size: m.data.byteLength,
      data: decoded ?? null,
    });
  }
  const head = `${formatLogTime(m.logTime)} ${m.channel.topic}`;
  if (decoded !== undefined) {
    return `${head} ${JSON.stringify(decoded)}`;
  }
  const schema = m.channel.schemaName === "" ? "" : ` ${m.channel.schemaName}`;
  return `${head} ${m.channel.messageEncoding}${schema} ${m.data.byteLength} bytes`;
}

/**
 * A device status as one line for stderr, e.g. `device warning: Dropped 1 message on topic /camera:
 * exceeds 100 KiB per-message size limit`. A status about a channel (its id ends in `-<channel id>`,
 * like `channel-drops-3`) names the channel's topic when its message does not already.
 */
export function formatStatusLine(status: Status, channels: readonly ViewerChannel[]): string {
  const line = `device ${statusLevelName(status.level)}: ${status.message}`;
  const id = /^(?:channel-drops|point-cloud-compression)-(\d+)$/.exec(status.id ?? "")?.[1];
  const topic = channels.find((c) => String(c.id) === id)?.topic;
  return topic === undefined || status.message.includes(topic) ? line : `${line} (topic ${topic})`;
}
