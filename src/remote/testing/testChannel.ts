import type { ChannelDescriptor } from "../../core/ChannelDescriptor.js";

/** A channel for unit tests: JSON, schemaless unless `schemaName` (protobuf) is given. */
export function testChannel(
  id: number,
  topic = `/topic${id}`,
  options: {
    messageEncoding?: string;
    schemaName?: string;
    metadata?: Record<string, string>;
  } = {},
): ChannelDescriptor {
  const messageEncoding = options.messageEncoding ?? (options.schemaName ? "protobuf" : "json");
  return {
    id,
    topic,
    messageEncoding,
    schema:
      options.schemaName === undefined
        ? undefined
        : {
            name: options.schemaName,
            encoding: messageEncoding === "cdr" ? "ros2msg" : messageEncoding,
            data: new Uint8Array([1, 2, 3]),
          },
    metadata: options.metadata ?? {},
  };
}
