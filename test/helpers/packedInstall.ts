import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);
/** The repository root. */
export const repoRoot = fileURLToPath(new URL("../..", import.meta.url));

/** A temporary project with the packed package installed, as a user would have it. */
export interface PackedInstall extends AsyncDisposable {
  /** The temporary project directory. */
  readonly dir: string;
  /** The tarball `npm pack` produced (inside `dir`). */
  readonly tarball: string;
  /** The installed package: `<dir>/node_modules/foxglove-remote`. */
  readonly packageDir: string;
  close(): Promise<void>;
}

type LockEntry = Record<string, unknown> & { dev?: boolean };

/**
 * Packs the repository (`npm pack`, which builds through `prepack`) into a fresh temporary
 * project and installs the tarball there with `npm ci --offline`: the dependencies come from
 * npm's cache (filled by the repository's own `npm ci`) at the versions of the repository's
 * lockfile, the package itself from the tarball, plus `@types/node` for type-checking.
 */
export async function packAndInstall(): Promise<PackedInstall> {
  const dir = await mkdtemp(join(tmpdir(), "foxglove-remote-packed-"));
  const close = () => rm(dir, { recursive: true, force: true });
  try {
    const { stdout } = await run("npm", ["pack", "--silent", "--pack-destination", dir], {
      cwd: repoRoot,
      maxBuffer: 16 * 1024 * 1024,
    });
    const name = stdout.trim().split("\n").pop()!;
    const tarball = join(dir, name);
    const integrity = `sha512-${createHash("sha512")
      .update(await readFile(tarball))
      .digest("base64")}`;
    const repoLock = JSON.parse(await readFile(join(repoRoot, "package-lock.json"), "utf8")) as {
      packages: Record<string, LockEntry>;
    };
    const manifest = JSON.parse(await readFile(join(repoRoot, "package.json"), "utf8")) as {
      version: string;
      dependencies: Record<string, string>;
      bin: Record<string, string>;
      engines: Record<string, string>;
    };
    const typesNode = repoLock.packages["node_modules/@types/node"]!;
    const packages: Record<string, LockEntry> = {
      "": {
        name: "consumer",
        dependencies: {
          "foxglove-remote": `file:${name}`,
          "@types/node": String(typesNode.version),
        },
      },
      "node_modules/foxglove-remote": {
        version: manifest.version,
        resolved: `file:${name}`,
        integrity,
        dependencies: manifest.dependencies,
        bin: manifest.bin,
        engines: manifest.engines,
      },
    };
    for (const [path, entry] of Object.entries(repoLock.packages)) {
      const isTypes = path === "node_modules/@types/node" || path === "node_modules/undici-types";
      if (path !== "" && (entry.dev !== true || isTypes) && !("link" in entry)) {
        const rest = { ...entry };
        delete rest.dev;
        packages[path] = rest;
      }
    }
    await writeFile(
      join(dir, "package.json"),
      JSON.stringify({
        name: "consumer",
        private: true,
        type: "module",
        dependencies: packages[""]!.dependencies,
      }),
    );
    await writeFile(
      join(dir, "package-lock.json"),
      JSON.stringify({ name: "consumer", lockfileVersion: 3, requires: true, packages }),
    );
    await run("npm", ["ci", "--offline", "--no-audit", "--no-fund"], {
      cwd: dir,
      maxBuffer: 16 * 1024 * 1024,
    });
    return {
      dir,
      tarball,
      packageDir: join(dir, "node_modules", "foxglove-remote"),
      close,
      [Symbol.asyncDispose]: close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
