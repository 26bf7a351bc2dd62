#!/usr/bin/env node
// Finds or builds the livekit-server binary used by the tests, the demo and `foxglove-remote livekit`.
// Plain Node ESM so it runs before any build step.
//
//   node scripts/livekit-server.mjs ensure   # print the binary path, building it if needed
//   node scripts/livekit-server.mjs path     # print the binary path, or exit 1 if there is none
//
// Lookup order: $LIVEKIT_SERVER_BIN, `livekit-server` on PATH, then the per-user cache
// ${XDG_CACHE_HOME:-~/.cache}/foxglove-remote/livekit-server/<version>/livekit-server. When none
// exists, `ensure` builds it there with `go install` (needs Go >= 1.26). Concurrent runs serialize
// on a lock directory and each build goes to its own temporary GOBIN that is renamed into place,
// so a half-written binary is never visible.
import { spawn, execFile } from "node:child_process";
import { accessSync, constants, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { mkdtemp, rename, rm, stat } from "node:fs/promises";
import { homedir } from "node:os";
import { delimiter, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

/** The livekit-server release this project is tested against. */
export const LIVEKIT_SERVER_VERSION = "v1.13.5";
/** The Go module path built by `go install`. */
export const LIVEKIT_SERVER_MODULE = "github.com/livekit/livekit-server/cmd/server";
/** The oldest Go toolchain able to build {@link LIVEKIT_SERVER_VERSION}. */
export const MIN_GO_VERSION = [1, 26];

const run = promisify(execFile);

/** The per-user cache directory holding the built binary for {@link LIVEKIT_SERVER_VERSION}. */
export function livekitCacheDir(env = process.env) {
  const base =
    env.XDG_CACHE_HOME !== undefined && env.XDG_CACHE_HOME !== ""
      ? env.XDG_CACHE_HOME
      : join(homedir(), ".cache");
  return join(base, "foxglove-remote", "livekit-server", LIVEKIT_SERVER_VERSION);
}

function isExecutable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(name, env) {
  for (const dir of (env.PATH ?? "").split(delimiter)) {
    if (dir !== "" && isExecutable(join(dir, name))) {
      return join(dir, name);
    }
  }
  return undefined;
}

/**
 * Returns the path of an existing livekit-server binary, or undefined when there is none.
 * Throws when LIVEKIT_SERVER_BIN is set but does not name an executable file.
 */
export function findLiveKitServer(env = process.env) {
  const fromEnv = env.LIVEKIT_SERVER_BIN;
  if (fromEnv !== undefined && fromEnv !== "") {
    if (!isExecutable(fromEnv)) {
      throw new Error(`LIVEKIT_SERVER_BIN=${fromEnv} is not an executable file`);
    }
    return fromEnv;
  }
  const cached = join(livekitCacheDir(env), "livekit-server");
  return onPath("livekit-server", env) ?? (isExecutable(cached) ? cached : undefined);
}

/** Parses `go1.26.8` (or `go1.26`, `go1.27rc1`) into [major, minor]; undefined if unparsable. */
export function parseGoVersion(text) {
  const m = /go(\d+)\.(\d+)/.exec(text);
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

function versionAtLeast(v, min) {
  return v[0] > min[0] || (v[0] === min[0] && v[1] >= min[1]);
}

function installHint() {
  const need = `${MIN_GO_VERSION[0]}.${MIN_GO_VERSION[1]}`;
  return [
    `To get livekit-server ${LIVEKIT_SERVER_VERSION}, do one of:`,
    `  - install Go >= ${need} (https://go.dev/dl/) and run this again; it builds the server with`,
    `      go install ${LIVEKIT_SERVER_MODULE}@${LIVEKIT_SERVER_VERSION}`,
    `  - download livekit-server ${LIVEKIT_SERVER_VERSION} from`,
    `      https://github.com/livekit/livekit/releases/tag/${LIVEKIT_SERVER_VERSION}`,
    `    and put it on PATH or set LIVEKIT_SERVER_BIN=/path/to/livekit-server`,
  ].join("\n");
}

async function goVersion(env) {
  try {
    const { stdout } = await run("go", ["env", "GOVERSION"], { env });
    return stdout.trim();
  } catch {
    return undefined;
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function pidAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === "EPERM";
  }
}

/** Takes the build lock (a directory, created atomically); waits while a live process holds it. */
async function acquireLock(dir, say) {
  const lock = join(dir, "build.lock");
  let waitingSince;
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, "pid"), String(process.pid));
      return () => rmSync(lock, { recursive: true, force: true });
    } catch (e) {
      if (e.code !== "EEXIST") {
        throw e;
      }
    }
    let holder = NaN;
    try {
      holder = Number(readFileSync(join(lock, "pid"), "utf8"));
    } catch {
      // The holder may not have written its pid yet.
    }
    if (Number.isInteger(holder) && holder > 0 && !pidAlive(holder)) {
      rmSync(lock, { recursive: true, force: true });
      continue;
    }
    if (waitingSince === undefined) {
      waitingSince = Date.now();
      say(`waiting for another build of livekit-server (lock ${lock})`);
    } else if (Date.now() - waitingSince > 3_600_000) {
      throw new Error(
        `gave up waiting for the build lock ${lock}; remove it if no build is running`,
      );
    }
    await sleep(500);
  }
}

/**
 * Builds livekit-server into the cache directory with `go install` and returns its path.
 * Shows progress on stderr through `say` (a heartbeat every `heartbeatMs`).
 */
async function build(env, say, heartbeatMs) {
  const dir = livekitCacheDir(env);
  const target = join(dir, "livekit-server");
  const gov = await goVersion(env);
  const parsed = gov === undefined ? undefined : parseGoVersion(gov);
  if (gov === undefined) {
    throw new Error(`livekit-server was not found and Go is not installed.\n${installHint()}`);
  }
  if (parsed === undefined || !versionAtLeast(parsed, MIN_GO_VERSION)) {
    throw new Error(
      `livekit-server was not found and ${gov} is too old to build it ` +
        `(needs Go >= ${MIN_GO_VERSION.join(".")}).\n${installHint()}`,
    );
  }
  mkdirSync(dir, { recursive: true });
  const release = await acquireLock(dir, say);
  try {
    if (isExecutable(target)) {
      return target; // Another process finished the build while we waited.
    }
    const gobin = await mkdtemp(join(dir, "build-"));
    const logPath = join(gobin, "go-install.log");
    const started = Date.now();
    say(
      `building livekit-server ${LIVEKIT_SERVER_VERSION} with ${gov} into ${dir} ` +
        `(first build takes several minutes)`,
    );
    let downloads = 0;
    let tail = "";
    const child = spawn("go", ["install", `${LIVEKIT_SERVER_MODULE}@${LIVEKIT_SERVER_VERSION}`], {
      env: { ...env, GOBIN: gobin },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const onOutput = (buf) => {
      const text = buf.toString();
      downloads += text.split("go: downloading").length - 1;
      tail = (tail + text).slice(-4000);
    };
    child.stdout.on("data", onOutput);
    child.stderr.on("data", onOutput);
    const timer = setInterval(() => {
      const s = Math.round((Date.now() - started) / 1000);
      say(`  still building livekit-server: ${s} s elapsed, ${downloads} modules downloaded`);
    }, heartbeatMs);
    const stopChild = () => child.kill("SIGTERM");
    process.once("SIGINT", stopChild);
    process.once("SIGTERM", stopChild);
    const code = await new Promise((resolve) => {
      child.on("error", () => resolve(-1));
      child.on("close", (c, signal) => resolve(c ?? (signal ? 1 : 0)));
    });
    clearInterval(timer);
    process.off("SIGINT", stopChild);
    process.off("SIGTERM", stopChild);
    if (code !== 0) {
      writeFileSync(logPath, tail);
      await rm(gobin, { recursive: true, force: true }).catch(() => {});
      throw new Error(
        `go install ${LIVEKIT_SERVER_MODULE}@${LIVEKIT_SERVER_VERSION} failed (exit ${code}). ` +
          `Last output:\n${tail}\n${installHint()}`,
      );
    }
    await stat(join(gobin, "server"));
    await rename(join(gobin, "server"), target);
    await rm(gobin, { recursive: true, force: true });
    say(`built ${target} in ${Math.round((Date.now() - started) / 1000)} s`);
    return target;
  } finally {
    release();
  }
}

/**
 * Returns the path of a livekit-server binary, building it into the per-user cache when none is
 * found. Silent when the binary already exists. Progress and errors go to `options.say`
 * (default: stderr). Throws an Error that says what to install when it cannot build.
 */
export async function ensureLiveKitServer(options = {}) {
  const env = options.env ?? process.env;
  const say = options.say ?? ((line) => process.stderr.write(`[livekit-server] ${line}\n`));
  const found = findLiveKitServer(env);
  if (found !== undefined) {
    return found;
  }
  return await build(env, say, options.heartbeatMs ?? 10_000);
}

async function main(argv) {
  const cmd = argv[0] ?? "ensure";
  try {
    if (cmd === "ensure") {
      process.stdout.write(`${await ensureLiveKitServer()}\n`);
    } else if (cmd === "path") {
      const found = findLiveKitServer();
      if (found === undefined) {
        process.stderr.write(`livekit-server not found.\n${installHint()}\n`);
        return 1;
      }
      process.stdout.write(`${found}\n`);
    } else {
      process.stderr.write("usage: livekit-server.mjs [ensure|path]\n");
      return 2;
    }
    return 0;
  } catch (e) {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exitCode = await main(process.argv.slice(2));
}
