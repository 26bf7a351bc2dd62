export { FoxgloveError, isFoxgloveError } from "./core/FoxgloveError.js";
export type { FoxgloveErrorCode } from "./core/FoxgloveError.js";
export { setLogger, setLogLevel, getLogLevel } from "./core/logger.js";
export type { Logger, LogLevel } from "./core/logger.js";
export { nowNanos, toNanos, fromNanos } from "./core/time.js";
export type { Time, TimeLike } from "./core/time.js";
export { VERSION } from "./core/version.js";

export { Context } from "./core/Context.js";
export { RawChannel } from "./core/RawChannel.js";
export type {
  ChannelListener,
  ChannelOptions,
  RawChannelOptions,
  LogOptions,
} from "./core/RawChannel.js";
export { Channel } from "./core/Channel.js";
export type { TypedChannelOptions } from "./core/Channel.js";
export type { Encoder } from "./core/Encoder.js";
export { jsonEncoder, jsonSchema, encodeJson } from "./core/jsonEncoder.js";
export type { Schema } from "./core/Schema.js";
export { schemasEqual, isSchema } from "./core/Schema.js";
export type { ChannelDescriptor, ChannelId } from "./core/ChannelDescriptor.js";
export type { Sink, SinkId, Metadata, SinkChannelFilter } from "./core/Sink.js";
export { nextSinkId } from "./core/ids.js";
export { log } from "./core/logMessage.js";
export type { LogMessageOptions } from "./core/logMessage.js";
export { base64Encode, base64Decode } from "./core/base64.js";
