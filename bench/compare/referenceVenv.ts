import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/**
 * The reference SDK release the comparison installs. 0.26.0 is the spec's HEAD and advertises
 * remote-access protocol 2.2.0 (`?protocolVersion=2.2.0` on the watch); 0.27.0-0.29.2 still send
 * 2.2.0, 0.30.x sends 2.3.0.
 */
export const REFERENCE_SDK_VERSION = "0.26.0";

/** The private venv for the reference gateway: `${XDG_CACHE_HOME:-~/.cache}/foxglove-remote/bench-venv`. */
export function referenceVenvDir(env: NodeJS.ProcessEnv = process.env): string {
  const cache = env.XDG_CACHE_HOME || join(homedir(), ".cache");
  return join(cache, "foxglove-remote", "bench-venv");
}

/** Where a ready reference venv's interpreter is, and which SDK version it holds. */
export interface ReferenceVenv {
  /** Absolute path of the venv's python executable. */
  python: string;
  /** Installed `foxglove-sdk` version. */
  version: string;
}

/**
 * Creates the venv (with `python3 -m venv`, or `$PYTHON`) and installs
 * `foxglove-sdk==REFERENCE_SDK_VERSION` with pip, unless it is already there. Idempotent; the
 * first call downloads about 20 MB from PyPI. Throws when python or pip fail.
 */
export async function ensureReferenceVenv(
  dir = referenceVenvDir(),
  version = REFERENCE_SDK_VERSION,
): Promise<ReferenceVenv> {
  const python = join(dir, "bin", "python");
  const installed = existsSync(python) ? await installedVersion(python) : undefined;
  if (installed === version) return { python, version };
  await pipInstall(dir, [`foxglove-sdk==${version}`]);
  const now = await installedVersion(python);
  if (now !== version) {
    throw new Error(
      `reference venv at ${dir} has foxglove-sdk ${now ?? "missing"}, not ${version}`,
    );
  }
  return { python, version };
}

/**
 * Creates a venv at `dir` (with `python3 -m venv`, or `$PYTHON`) unless it exists, and installs
 * `packages` into it from PyPI, binary wheels only. Returns the venv's python. Throws when python
 * or pip fail.
 */
export async function pipInstall(dir: string, packages: readonly string[]): Promise<string> {
  const python = join(dir, "bin", "python");
  if (!existsSync(python)) {
    await run(process.env.PYTHON || "python3", ["-m", "venv", dir]);
  }
  await run(python, [
    "-m",
    "pip",
    "install",
    "--quiet",
    "--disable-pip-version-check",
    "--only-binary",
    ":all:",
    ...packages,
  ]);
  return python;
}

async function installedVersion(python: string): Promise<string | undefined> {
  try {
    const { stdout } = await run(python, [
      "-c",
      "from importlib.metadata import version; print(version('foxglove-sdk'))",
    ]);
    return stdout.trim() || undefined;
  } catch {
    return undefined;
  }
}
