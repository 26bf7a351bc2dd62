// An independent Draco decoder for tests: DracoPy (Python bindings over Google's native C++
// Draco) in a private venv at `${XDG_CACHE_HOME:-~/.cache}/foxglove-remote/draco-venv`.
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { pipInstall } from "../../bench/compare/referenceVenv.js";

const run = promisify(execFile);
const PACKAGES = ["DracoPy==2.2.0", "numpy"];

/** Creates the venv and installs DracoPy unless present; returns its python. */
export async function ensureDracoPy(): Promise<string> {
  const cache = process.env.XDG_CACHE_HOME || join(homedir(), ".cache");
  const dir = join(cache, "foxglove-remote", "draco-venv");
  const python = join(dir, "bin", "python");
  const ready = async () =>
    existsSync(python) &&
    (await run(python, ["-c", "import DracoPy, numpy"]).then(
      () => true,
      () => false,
    ));
  if (await ready()) return python;
  await pipInstall(dir, PACKAGES);
  if (!(await ready())) throw new Error(`DracoPy did not install into ${dir}`);
  return python;
}

/** One point cloud as DracoPy decodes it. */
export interface DracoPyCloud {
  /** xyz per point, in decoded order. */
  points: [number, number, number][];
  /** Generic attributes by their metadata name: one value per point. */
  attributes: Record<string, number[]>;
}

const SCRIPT = `
import base64, json, sys, DracoPy
out = []
for line in sys.stdin.read().split():
    pc = DracoPy.decode(base64.b64decode(line))
    attrs = {}
    for a in pc.attributes:
        if a["attribute_type"] != 0 and a["name"]:
            attrs[a["name"]] = [v[0].item() for v in a["data"]]
    pts = [] if pc.points is None else pc.points.tolist()
    out.append({"points": pts, "attributes": attrs})
print(json.dumps(out))
`;

/** Decodes Draco bitstreams with DracoPy in one child process. */
export async function decodeWithDracoPy(
  python: string,
  streams: Uint8Array[],
): Promise<DracoPyCloud[]> {
  const child = run(python, ["-c", SCRIPT], { maxBuffer: 1 << 28 });
  child.child.stdin!.end(streams.map((s) => Buffer.from(s).toString("base64")).join("\n"));
  const { stdout } = await child;
  return JSON.parse(stdout) as DracoPyCloud[];
}
