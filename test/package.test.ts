// The package as a user gets it: `npm pack` (build on prepack), installed offline from the tarball
// into a separate project. Checks the tarball (publint, @arethetypeswrong/cli, its contents),
// type-checks and runs a program importing every entry point under three module resolutions, and
// runs each example against a real stack (livekit-server + device API server). User programs run
// as child processes and must exit by themselves: no shutdown call, on their own or on Ctrl-C.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdir, readFile, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { promisify } from "node:util";
import { startApiServer, TEST_DEVICE, type ApiServer } from "../src/api-server/index.js";
import { startChild } from "./helpers/childProcess.js";
import { startLiveKitServer, type TestLiveKitServer } from "./helpers/livekitServer.js";
import { packAndInstall, repoRoot, type PackedInstall } from "./helpers/packedInstall.js";

const run = promisify(execFile);
const bin = (name: string) => join(repoRoot, "node_modules", ".bin", name);

let packed: PackedInstall;
let livekit: TestLiveKitServer;
let api: ApiServer;

before(async () => {
  [packed, livekit] = await Promise.all([packAndInstall(), startLiveKitServer("package")]);
  api = await startApiServer({
    devices: [TEST_DEVICE],
    livekit: { url: livekit.url, apiKey: livekit.apiKey, apiSecret: livekit.apiSecret },
  });
});

after(async () => {
  await api?.stop();
  await livekit?.stop();
  await packed?.close();
});

test("the tarball ships dist, docs, examples, README and LICENSE, and no tests", async () => {
  const { stdout } = await run("tar", ["tzf", packed.tarball], { maxBuffer: 8 * 1024 * 1024 });
  const files = stdout.trim().split("\n");
  for (const f of [
    "package/dist/index.js",
    "package/dist/index.d.ts",
    "package/dist/cli/main.js",
    "package/LICENSE",
    "package/README.md",
    "package/docs/viewer.md",
    "package/examples/minimal-gateway.mjs",
    "package/examples/viewer.mjs",
    "package/examples/log-json-and-protobuf.mjs",
  ]) {
    assert.ok(files.includes(f), `${f} is missing`);
  }
  const stray = files.filter((f) => /\.test\.|\/testing\/|^package\/(src|test|bench)\//.test(f));
  assert.deepEqual(stray, []);
});

test("publint and @arethetypeswrong/cli accept the packed tarball", async () => {
  const lint = await run(bin("publint"), [packed.tarball]);
  assert.match(lint.stdout, /All good/);
  // ESM-only by design: a require() from CommonJS resolving to ESM is expected, nothing else.
  await run(bin("attw"), [packed.tarball, "--ignore-rules", "cjs-resolves-to-esm"]);
});

test("the shipped docs' code imports only entry points and names the package exports", async () => {
  // Every named import of the docs' TypeScript/JavaScript snippets, type-checked against the
  // installed package (node16 resolution): a missing entry point or name fails tsc.
  const docs = (await readdir(join(packed.packageDir, "docs"))).map((f) => join("docs", f));
  const problems: string[] = [];
  const lines: string[] = [];
  for (const doc of [...docs, "README.md"]) {
    const text = await readFile(join(packed.packageDir, doc), "utf8");
    for (const [, block] of text.matchAll(/```(?:ts|js|typescript|javascript)\n([\s\S]*?)```/g)) {
      for (const [, names, specifier] of block!.matchAll(
        /import\s+(?:type\s+)?\{([^}]*)\}\s+from\s+"([^"]+)"/g,
      )) {
        if (specifier!.startsWith(".")) {
          problems.push(
            `${doc}: imports "${specifier}", a path a user of the package does not have`,
          );
        }
        if (!specifier!.startsWith("foxglove-remote")) continue;
        for (const raw of names!.split(",").map((n) => n.trim())) {
          const name = raw.replace(/^type\s+/, "").split(/\s+as\s+/)[0];
          if (name)
            lines.push(`import { ${name} as _${lines.length} } from "${specifier}"; // ${doc}`);
        }
      }
    }
  }
  assert.deepEqual(problems, []);
  assert.ok(lines.length >= 20, `only ${lines.length} imported names found in the docs`);
  const dir = join(packed.dir, "docs-imports");
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, "imports.ts"), `${lines.join("\n")}\nexport {};\n`);
  await writeFile(
    join(dir, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        module: "node16",
        moduleResolution: "node16",
        target: "es2022",
        strict: true,
        noEmit: true,
        types: ["node"],
      },
      files: ["imports.ts"],
    }),
  );
  await run(process.execPath, [join(repoRoot, "node_modules/typescript/bin/tsc"), "-p", dir], {
    cwd: dir,
  }).catch((e: Error & { stdout?: string }) => {
    throw new Error(`the docs import what the package does not export:\n${e.stdout ?? e.message}`);
  });
});

const program = `
import { Channel, Context, FoxgloveError, VERSION, jsonEncoder } from "foxglove-remote";
import { LocationFix } from "foxglove-remote/messages";
import { encodeServerJson } from "foxglove-remote/protocol";
import {
  startGateway,
  shutdownLiveKit,
  type GatewayCapability,
  type GatewayOptions,
  type QosClassifier,
  type ViewerListener,
} from "foxglove-remote/gateway";
import { connectViewer, type ConnectViewerOptions, type Viewer } from "foxglove-remote/viewer";
import { startApiServer, TEST_DEVICE } from "foxglove-remote/api-server";
import { openMcap } from "foxglove-remote/mcap";
import { BACKLOG_FULL_MESSAGE, startServer, type WebSocketServerOptions } from "foxglove-remote/websocket";

const qos: QosClassifier = (ch) => ({ reliability: ch.topic === "/a" ? "reliable" : "lossy" });
const capabilities: GatewayCapability[] = ["parameters"];
const listener: ViewerListener = { onSubscribe: () => undefined };
const options: GatewayOptions = { qosClassifier: qos, capabilities, listener };
const viewerOptions: Partial<ConnectViewerOptions> = { apiUrl: "http://127.0.0.1:1" };
const wsOptions: WebSocketServerOptions = { port: 0, capabilities };
let viewer: Viewer | undefined;

const context = new Context();
const channel = new Channel<{ n: number }>("/a", { context, encoder: jsonEncoder() });
channel.log({ n: 1 });
const fix = LocationFix.messageEncoding;
const json = encodeServerJson({ op: "removeStatus", statusIds: ["x"] });
const server = await startApiServer({ devices: [TEST_DEVICE], port: 0 });
await server.stop();
try {
  startGateway({ deviceToken: "" });
} catch (error) {
  if (!(error instanceof FoxgloveError && error.code === "ERR_CONFIGURATION")) throw error;
}
console.log(
  ["ok", VERSION, fix, json.length > 0, typeof connectViewer, typeof shutdownLiveKit,
    typeof openMcap, typeof startServer, BACKLOG_FULL_MESSAGE.length > 0, wsOptions.port,
    Object.keys(options).length, viewerOptions.apiUrl !== undefined, viewer === undefined].join(" "),
);
`;

test("a program importing every entry point type-checks under node16, bundler and node10, and runs", async () => {
  const dir = join(packed.dir, "consumer");
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, "main.ts"), program);
  const resolutions = [
    { moduleResolution: "node16", module: "node16" },
    { moduleResolution: "bundler", module: "esnext" },
    { moduleResolution: "node", module: "esnext" },
  ];
  for (const r of resolutions) {
    const config = join(dir, `tsconfig.${r.moduleResolution}.json`);
    await writeFile(
      config,
      JSON.stringify({
        compilerOptions: {
          ...r,
          target: "es2022",
          lib: ["es2023", "esnext.disposable"],
          strict: true,
          skipLibCheck: false,
          types: ["node"],
          outDir: `out-${r.moduleResolution}`,
          noEmit: r.moduleResolution !== "node16",
        },
        files: ["main.ts"],
      }),
    );
    await run(process.execPath, [join(repoRoot, "node_modules/typescript/bin/tsc"), "-p", config], {
      cwd: dir,
    }).catch((e: Error & { stdout?: string }) => {
      throw new Error(`tsc (${r.moduleResolution}) failed:\n${e.stdout ?? e.message}`);
    });
  }
  const child = startChild(process.execPath, [join(dir, "out-node16", "main.js")], { cwd: dir });
  assert.equal(await child.exit(20_000), 0, child.stderr());
  assert.match(
    child.stdout(),
    /^ok \d+\.\d+\.\d+ protobuf true function function function function true 0 3 true true\n$/,
  );
});

/** Runs an example of the installed package as a child process. */
function example(name: string, ...args: string[]) {
  return startChild(process.execPath, [join(packed.packageDir, "examples", name), ...args], {
    cwd: packed.dir,
    env: {
      ...process.env,
      FOXGLOVE_API_URL: api.url,
      FOXGLOVE_DEVICE_TOKEN: TEST_DEVICE.token,
      FOXGLOVE_LOG_LEVEL: "error",
    },
  });
}

test("examples: minimal-gateway and viewer exit by themselves and on Ctrl-C", async () => {
  const gateway = example("minimal-gateway.mjs");
  try {
    await gateway.waitForOutput(/gateway connected/);
    const viewer = example("viewer.mjs", "/counter", "3");
    assert.equal(await viewer.exit(30_000), 0, viewer.stderr());
    const lines = viewer.stdout().trim().split("\n");
    assert.equal(lines[0], "/counter: json Counter");
    assert.equal(lines.length, 4, viewer.stdout());
    assert.ok(
      lines.slice(1).every((l) => /^\d+ \{"n":\d+\}$/.test(l)),
      viewer.stdout(),
    );

    const endless = example("viewer.mjs", "/counter", "1000000");
    await endless.waitForOutput(/\{"n":\d+\}/, 30_000);
    endless.proc.kill("SIGINT");
    assert.equal(await endless.exit(5_000), 0, endless.stderr());

    gateway.proc.kill("SIGINT");
    assert.equal(await gateway.exit(5_000), 0, gateway.stderr());
  } finally {
    gateway.proc.kill("SIGKILL");
  }
});

test("examples: log-json-and-protobuf serves both channels and ends by itself", async () => {
  const device = example("log-json-and-protobuf.mjs", "15");
  try {
    await device.waitForOutput(/gateway connected/);
    const events = example("viewer.mjs", "/events", "2");
    assert.equal(await events.exit(30_000), 0, events.stderr());
    assert.match(events.stdout(), /^\/events: json \n\d+ \{"kind":"tick","tick":\d+\}\n/);
    const gps = example("viewer.mjs", "/gps", "2");
    assert.equal(await gps.exit(30_000), 0, gps.stderr());
    assert.match(gps.stdout(), /^\/gps: protobuf foxglove\.LocationFix\n\d+ \d+ bytes\n/);
    assert.equal(await device.exit(30_000), 0, device.stderr());
  } finally {
    device.proc.kill("SIGKILL");
  }
});
