// Keys of the methods through which Context and RawChannel cooperate, and the registry through
// which the messages entry tells the video path about its RawImage encoders. They are not exported
// from the package, so none of this is public API.

/** Context: find an open channel equal to a prospective one. */
export const FIND_MATCHING: unique symbol = Symbol("foxglove.findMatching");
/** Context: register a newly constructed channel. */
export const ADD_CHANNEL: unique symbol = Symbol("foxglove.addChannel");
/** Context: remove (close) a channel by id. */
export const REMOVE_CHANNEL: unique symbol = Symbol("foxglove.removeChannel");
/** RawChannel: replace the list of subscribed sinks. */
export const SET_SINKS: unique symbol = Symbol("foxglove.setSinks");
/** RawChannel: mark closed and drop all sinks. */
export const MARK_CLOSED: unique symbol = Symbol("foxglove.markClosed");
/** RawChannel: tell listeners the channel gained its first / lost its last sink. */
export const NOTIFY_LISTENERS: unique symbol = Symbol("foxglove.notifyListeners");
/** RawChannel: emit the throttled "closed channel" warning if closed. */
export const WARN_IF_CLOSED: unique symbol = Symbol("foxglove.warnIfClosed");
/** RawChannel: log a typed message (offered to sinks before it is encoded, see `Sink.logMessage`). */
export const LOG_MESSAGE: unique symbol = Symbol("foxglove.logMessage");

/**
 * A `foxglove.RawImage` message's protobuf encoding in three parts, `head` + `data` + `tail`
 * (`data` the message's own pixels, not copied), or undefined when the message does not encode
 * so (pixels that are not a Uint8Array, a field the encoder rejects).
 */
export type RawImageParts = (
  message: unknown,
) => { head: Uint8Array; data: Uint8Array; tail: Uint8Array } | undefined;

/**
 * The package's RawImage encoders (protobuf and JSON), registered by the messages entry when it
 * loads, each with its {@link RawImageParts}: the gateway lays out typed camera frames without
 * importing the encoders itself.
 */
export const RAW_IMAGE_ENCODERS = new WeakMap<object, RawImageParts>();
