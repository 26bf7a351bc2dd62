export { FoxgloveError, isFoxgloveError } from "./core/FoxgloveError.js";
export type { FoxgloveErrorCode } from "./core/FoxgloveError.js";
export { setLogger, setLogLevel, getLogLevel } from "./core/logger.js";
export type { Logger, LogLevel } from "./core/logger.js";
export { nowNanos, toNanos, fromNanos } from "./core/time.js";
export type { Time, TimeLike } from "./core/time.js";
export { VERSION } from "./core/version.js";
