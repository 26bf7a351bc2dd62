// Keys of the methods through which Context and RawChannel cooperate. They are not exported from
// the package, so these methods are not part of the public API.

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
