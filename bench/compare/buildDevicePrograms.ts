import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const OUT_DIR = join(ROOT, "node_modules", ".cache", "foxglove-remote-bench");

/**
 * Builds the package (`npm run build`, into dist/) and compiles our bench device programs
 * (ourDevice.ts, rawDevice.ts, videoDevice.ts) to plain JavaScript whose imports of `src/` point
 * at the built `dist/` files: the compare bench runs our device as users run the package, without
 * tsx. The programs' own bench helpers are bundled in. Returns the compiled program of each source path.
 */
export async function buildDevicePrograms(
  sources: readonly string[],
): Promise<Map<string, string>> {
  execFileSync("npm", ["run", "--silent", "build"], { cwd: ROOT, stdio: "inherit" });
  mkdirSync(OUT_DIR, { recursive: true });
  const built = new Map<string, string>();
  for (const source of sources) {
    const outfile = join(OUT_DIR, relative(join(ROOT, "bench"), source).replace(/\.ts$/, ".mjs"));
    mkdirSync(dirname(outfile), { recursive: true });
    await build({
      entryPoints: [source],
      outfile,
      bundle: true,
      platform: "node",
      format: "esm",
      target: "node20",
      logLevel: "warning",
      plugins: [
        {
          name: "src-to-dist",
          setup(b) {
            // Package code comes from dist/ (same layout as src/); everything else from npm.
            b.onResolve({ filter: /.*/ }, (args) => {
              if (args.kind === "entry-point") return undefined;
              if (!args.path.startsWith(".")) return { path: args.path, external: true };
              const target = join(args.resolveDir, args.path);
              const fromSrc = relative(join(ROOT, "src"), target);
              if (fromSrc.startsWith("..")) return undefined; // a bench helper: bundled
              return { path: pathToFileURL(join(ROOT, "dist", fromSrc)).href, external: true };
            });
          },
        },
      ],
    });
    built.set(source, outfile);
  }
  return built;
}
