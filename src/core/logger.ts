/** A destination for the SDK's diagnostics; `console` and pino loggers both fit. */
export interface Logger {
  debug(...args: unknown[]): void;
  info(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
}

/** Log levels, least to most severe; `silent` turns logging off. */
export type LogLevel = "debug" | "info" | "warn" | "error" | "silent";

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

function parseLevel(value: string | undefined): LogLevel | undefined {
  const v = value?.trim().toLowerCase();
  return v !== undefined && v in RANK ? (v as LogLevel) : undefined;
}

let target: Logger | undefined = console;
let threshold: number = RANK[parseLevel(process.env.FOXGLOVE_LOG_LEVEL) ?? "warn"];

/** Sends the SDK's diagnostics to `logger` (default `console`); `undefined` silences them. */
export function setLogger(logger: Logger | undefined): void {
  target = logger;
}

/**
 * Sets the lowest level that is logged. Default `warn`, or the `FOXGLOVE_LOG_LEVEL` environment
 * variable when it names a level.
 */
export function setLogLevel(level: LogLevel): void {
  threshold = RANK[level];
}

/** The current lowest logged level. */
export function getLogLevel(): LogLevel {
  return (Object.keys(RANK) as LogLevel[]).find((l) => RANK[l] === threshold) ?? "warn";
}

function emit(level: Exclude<LogLevel, "silent">, args: unknown[]): void {
  if (RANK[level] < threshold || target === undefined) {
    return;
  }
  try {
    target[level]("[foxglove]", ...args);
  } catch {
    // A broken logger must never break the caller.
  }
}

/**
 * The SDK's internal logger: forwards to the logger set with {@link setLogger} at or above the
 * level set with {@link setLogLevel}. Never throws.
 */
export const log: Logger = {
  debug: (...args) => emit("debug", args),
  info: (...args) => emit("info", args),
  warn: (...args) => emit("warn", args),
  error: (...args) => emit("error", args),
};

/** True when a message at `level` would be emitted (to skip building expensive messages). */
export function isLogLevelEnabled(level: Exclude<LogLevel, "silent">): boolean {
  return target !== undefined && RANK[level] >= threshold;
}
