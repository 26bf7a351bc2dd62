#!/usr/bin/env node
// Runs every test of the project with node's test runner through tsx: unit tests beside the code
// (src/**/*.test.ts) and integration tests (test/**/*.test.ts). Extra arguments filter the files
// by substring, e.g. `npm run test:only -- protocol`.
import { spawn } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { ensureLiveKitServer } from "./livekit-server.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));

/** @param {string} dir @returns {string[]} */
function findTests(dir) {
  /** @type {string[]} */
  const out = [];
  for (const name of readdirSync(dir)) {
    if (name === "node_modules" || name.startsWith(".")) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...findTests(path));
    else if (name.endsWith(".test.ts")) out.push(relative(root, path));
  }
  return out;
}

const filters = process.argv.slice(2);
const files = ["src", "test"]
  .filter((d) => existsSync(join(root, d)))
  .flatMap((d) => findTests(join(root, d)))
  .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)))
  .sort();
if (files.length === 0) {
  console.error("no test files matched");
  process.exit(1);
}

// Integration tests (test/) run against a real livekit-server: find it (or build it once into the
// per-user cache) before starting them, and hand its path to the test processes.
/** @type {NodeJS.ProcessEnv} */
const env = { ...process.env };
if (files.some((f) => f.startsWith("test") || f.includes("livekit"))) {
  try {
    env.LIVEKIT_SERVER_BIN = await ensureLiveKitServer();
  } catch (e) {
    console.error(e instanceof Error ? e.message : String(e));
    process.exit(1);
  }
}

// A test file that hangs (an await without a deadline) fails after 15 minutes instead of stalling
// the run until CI's limit (Node 20 applies --test-timeout to each file as a whole; the slowest
// files take 2-3 minutes).
const args = [
  "--import",
  "tsx",
  "--test",
  "--test-reporter=spec",
  "--test-timeout=900000",
  ...files,
];
const child = spawn(process.execPath, args, { cwd: root, stdio: "inherit", env });
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
