import assert from "node:assert/strict";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import {
  ensureLiveKitServer,
  findLiveKitServer,
  livekitCacheDir,
  LIVEKIT_SERVER_VERSION,
  parseGoVersion,
} from "../scripts/livekit-server.mjs";

const root = mkdtempSync(join(tmpdir(), "lk-script-"));
after(() => rmSync(root, { recursive: true, force: true }));

function executable(path: string, body: string): string {
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

/** A fake `go` that reports `version` and "builds" a server after a short delay, counting builds. */
function fakeGo(dir: string, version: string): string {
  executable(
    join(dir, "go"),
    [
      `if [ "$1" = env ]; then echo ${version}; exit 0; fi`,
      `echo build >> "${dir}/builds"`,
      "sleep 0.3",
      'printf "#!/bin/sh\\necho fake-server\\n" > "$GOBIN/server"',
      'chmod +x "$GOBIN/server"',
    ].join("\n"),
  );
  return dir;
}

test("Go versions parse for the build check", () => {
  assert.deepEqual(parseGoVersion("go1.26.8"), [1, 26]);
  assert.deepEqual(parseGoVersion("go1.27rc1"), [1, 27]);
  assert.equal(parseGoVersion("devel"), undefined);
});

test("lookup order: LIVEKIT_SERVER_BIN, then PATH, then the per-user cache", () => {
  const home = join(root, "lookup");
  const env = { XDG_CACHE_HOME: join(home, "cache"), PATH: join(home, "bin") };
  assert.equal(findLiveKitServer(env), undefined);
  const cached = executable(join(livekitCacheDir(env), "livekit-server"), "exit 0");
  assert.ok(cached.includes(join("foxglove-remote", "livekit-server", LIVEKIT_SERVER_VERSION)));
  assert.equal(findLiveKitServer(env), cached);
  const onPath = executable(join(home, "bin", "livekit-server"), "exit 0");
  assert.equal(findLiveKitServer(env), onPath);
  const explicit = executable(join(home, "explicit", "lk"), "exit 0");
  assert.equal(findLiveKitServer({ ...env, LIVEKIT_SERVER_BIN: explicit }), explicit);
  assert.throws(
    () => findLiveKitServer({ ...env, LIVEKIT_SERVER_BIN: join(home, "missing") }),
    /not an executable/,
  );
});

test("without Go, or with an old Go, it says exactly what to install", async () => {
  const home = join(root, "nogo");
  const quiet = { say: () => {} };
  await assert.rejects(
    ensureLiveKitServer({ env: { XDG_CACHE_HOME: home, PATH: join(home, "empty") }, ...quiet }),
    /Go is not installed[\s\S]*install Go >= 1\.26[\s\S]*LIVEKIT_SERVER_BIN/,
  );
  const oldGo = fakeGo(join(home, "old"), "go1.22.5");
  await assert.rejects(
    ensureLiveKitServer({ env: { XDG_CACHE_HOME: home, PATH: oldGo }, ...quiet }),
    /go1\.22\.5 is too old[\s\S]*Go >= 1\.26/,
  );
});

test("concurrent ensures build once and all get the same complete binary", async () => {
  const home = join(root, "build");
  const go = fakeGo(join(home, "go"), "go1.26.1");
  const lines: string[] = [];
  const env = { XDG_CACHE_HOME: join(home, "cache"), PATH: `${go}:/bin:/usr/bin` };
  const paths = await Promise.all(
    [1, 2, 3].map(() => ensureLiveKitServer({ env, say: (l) => lines.push(l), heartbeatMs: 100 })),
  );
  assert.equal(new Set(paths).size, 1);
  assert.equal(paths[0], join(livekitCacheDir(env), "livekit-server"));
  assert.equal(readFileSync(join(go, "builds"), "utf8"), "build\n");
  assert.match(readFileSync(paths[0] ?? "", "utf8"), /fake-server/);
  assert.ok(lines.some((l) => l.startsWith("building livekit-server")));
  assert.ok(
    lines.some((l) => /still building livekit-server: \d+ s elapsed/.test(l)),
    "heartbeat shown",
  );
  // Cached now: silent.
  const quiet: string[] = [];
  assert.equal(await ensureLiveKitServer({ env, say: (l) => quiet.push(l) }), paths[0]);
  assert.deepEqual(quiet, []);
});
