import { Context } from "./Context.js";
import type { Encoder } from "./Encoder.js";
import { FoxgloveError } from "./FoxgloveError.js";
import { LOG_MESSAGE } from "./internal.js";
import { jsonEncoder } from "./jsonEncoder.js";
import { log as logger } from "./logger.js";
import { RawChannel, type LogOptions } from "./RawChannel.js";
import { schemasEqual } from "./Schema.js";
import { Throttler } from "./Throttler.js";
import { utf8Encode } from "./utf8.js";

/** Options of the {@link log} convenience. */
export interface LogMessageOptions extends LogOptions {
  /** Encodes the message (e.g. a well-known type from `foxglove-remote/messages`). Default: JSON. */
  encoder?: Encoder<unknown>;
  /** The context to log in. Default: `Context.default()`. */
  context?: Context;
}

/** Channels already checked against an encoder, to skip the comparison on later calls. */
const checked = new WeakMap<RawChannel, Encoder<unknown>>();
/** Throttles encoding-failure warnings per channel. */
const encodeWarnings = new WeakMap<RawChannel, Throttler>();

/**
 * Logs a message on a topic, creating the channel on first use (like Python's `foxglove.log`).
 *
 * - with `encoder`: the channel gets the encoder's encoding and schema;
 * - a `Uint8Array` or `string` is logged as is (UTF-8 for strings) on the topic's existing channel,
 *   or on a new schemaless `json` channel;
 * - any other object is encoded as JSON on a `json` channel.
 *
 * Nothing is encoded when no sink is subscribed. Apart from the errors below it never throws.
 * @throws {FoxgloveError} `ERR_CHANNEL_MISMATCH` if the topic's channel has a different encoding
 *   or schema than this call needs; `ERR_VALUE` for a message that is neither bytes, a string
 *   nor an object
 */
export function log(
  topic: string,
  message: Uint8Array | string | object,
  options?: LogMessageOptions,
): void {
  const context = options?.context ?? Context.default();
  const encoder = options?.encoder;
  let channel = context.getChannelByTopic(topic);
  if (encoder !== undefined) {
    if (channel === undefined) {
      channel = new RawChannel(topic, {
        context,
        messageEncoding: encoder.messageEncoding,
        ...(encoder.schema === undefined ? {} : { schema: encoder.schema }),
      });
      checked.set(channel, encoder);
    } else if (checked.get(channel) !== encoder) {
      if (
        channel.messageEncoding !== encoder.messageEncoding ||
        !schemasEqual(channel.schema, encoder.schema)
      ) {
        throw mismatch(topic, channel, `${encoder.messageEncoding}/${encoder.schema?.name ?? "-"}`);
      }
      checked.set(channel, encoder);
    }
    if (channel.hasSinks()) {
      logEncoded(channel, encoder, message, options);
    }
    return;
  }
  const bytes = message instanceof Uint8Array;
  if (!bytes && (typeof message !== "object" || message === null) && typeof message !== "string") {
    throw new FoxgloveError("ERR_VALUE", `cannot log a ${typeof message} on ${topic}`);
  }
  if (channel === undefined) {
    channel = new RawChannel(topic, { context, messageEncoding: "json" });
  } else if (!bytes && typeof message !== "string" && channel.messageEncoding !== "json") {
    throw mismatch(topic, channel, "json");
  }
  if (!channel.hasSinks()) {
    return;
  }
  if (bytes) {
    channel.log(message, options);
  } else if (typeof message === "string") {
    channel.log(utf8Encode(message), options);
  } else {
    logEncoded(channel, JSON_ENCODER, message, options);
  }
}

/** What a plain object is logged with (schemaless JSON). */
const JSON_ENCODER = jsonEncoder();

function logEncoded(
  channel: RawChannel,
  encoder: Encoder<unknown>,
  message: unknown,
  options: LogOptions | undefined,
): void {
  try {
    // Sinks never throw through here: whatever is caught comes from the encoder.
    channel[LOG_MESSAGE](message, encoder, options);
  } catch (error) {
    let throttler = encodeWarnings.get(channel);
    if (throttler === undefined) {
      throttler = new Throttler(10_000);
      encodeWarnings.set(channel, throttler);
    }
    const suppressed = throttler.tryAcquire();
    if (suppressed !== undefined) {
      const note = suppressed > 0 ? ` (${suppressed} similar warnings suppressed)` : "";
      logger.warn(
        new FoxgloveError("ERR_ENCODE", `cannot encode a message for ${channel.topic}${note}`, {
          cause: error,
        }),
      );
    }
  }
}

function mismatch(topic: string, channel: RawChannel, wanted: string): FoxgloveError {
  const have = `${channel.messageEncoding}/${channel.schema?.name ?? "-"}`;
  return new FoxgloveError(
    "ERR_CHANNEL_MISMATCH",
    `topic ${topic} already has a channel with encoding/schema ${have}, not ${wanted}`,
  );
}
