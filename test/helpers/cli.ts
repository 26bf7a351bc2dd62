import { execFile } from "node:child_process";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);

/** The CLI's entry point, for child processes (`node --import tsx <MAIN_TS> …`). */
export const MAIN_TS = fileURLToPath(new URL("../../src/cli/main.ts", import.meta.url));

/**
 * Runs `foxglove-remote <args>` as a child process through pipes, against the API server at
 * `apiUrl` (SDK logs at error level), and resolves with its output; rejects when it fails.
 */
export async function runCli(
  apiUrl: string,
  args: readonly string[],
): Promise<{ stdout: string; stderr: string }> {
  return await run(process.execPath, ["--import", "tsx", MAIN_TS, ...args], {
    timeout: 60_000,
    env: { ...process.env, FOXGLOVE_API_URL: apiUrl, FOXGLOVE_LOG_LEVEL: "error" },
  });
}

/** Runs the CLI like {@link runCli}, expects it to exit with `expected`, returns its stderr. */
export async function cliFailure(
  apiUrl: string,
  expected: number,
  args: readonly string[],
): Promise<string> {
  const error = await runCli(apiUrl, args).then(
    () => assert.fail(`foxglove-remote ${args.join(" ")} should fail`),
    (e: { code: number; stderr: string }) => e,
  );
  assert.equal(error.code, expected, error.stderr);
  return error.stderr;
}
