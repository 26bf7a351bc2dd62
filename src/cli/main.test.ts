import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { promisify } from "node:util";
import { VERSION } from "../core/version.js";

const run = promisify(execFile);
const main = new URL("./main.ts", import.meta.url).pathname;

test("VERSION matches package.json", () => {
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
    version: string;
  };
  assert.equal(VERSION, pkg.version);
});

test("foxglove-remote --version prints the version", async () => {
  const { stdout } = await run(process.execPath, ["--import", "tsx", main, "--version"]);
  assert.equal(stdout.trim(), VERSION);
});

test("foxglove-remote --help describes the program", async () => {
  const { stdout } = await run(process.execPath, ["--import", "tsx", main, "--help"]);
  assert.match(stdout, /Usage: foxglove-remote/);
});
