/** Types for livekit-server.mjs (which stays plain JS so it runs before any build). */

/** The livekit-server release this project is tested against, e.g. "v1.13.5". */
export declare const LIVEKIT_SERVER_VERSION: string;
/** The Go module path built by `go install`. */
export declare const LIVEKIT_SERVER_MODULE: string;
/** The oldest Go toolchain able to build the server, as [major, minor]. */
export declare const MIN_GO_VERSION: readonly [number, number];

/** The per-user cache directory holding the built binary. */
export declare function livekitCacheDir(env?: NodeJS.ProcessEnv): string;

/**
 * The path of an existing livekit-server binary ($LIVEKIT_SERVER_BIN, PATH, then the cache), or
 * undefined. Throws when LIVEKIT_SERVER_BIN names no executable file.
 */
export declare function findLiveKitServer(env?: NodeJS.ProcessEnv): string | undefined;

/** Parses `go1.26.8` into [1, 26]; undefined when unparsable. */
export declare function parseGoVersion(text: string): [number, number] | undefined;

/** Options of {@link ensureLiveKitServer}. */
export interface EnsureLiveKitServerOptions {
  /** Environment to read (default `process.env`). */
  env?: NodeJS.ProcessEnv;
  /** Receives progress lines (default: written to stderr). */
  say?: (line: string) => void;
  /** Interval of the "still building" heartbeat in ms (default 10 000). */
  heartbeatMs?: number;
}

/**
 * The path of a livekit-server binary, built into the per-user cache with `go install` when none
 * exists. Rejects with an Error saying what to install when it cannot build.
 */
export declare function ensureLiveKitServer(options?: EnsureLiveKitServerOptions): Promise<string>;
