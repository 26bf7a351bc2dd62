// Our viewer library and CLI acting on the REFERENCE device (foxglove-sdk 0.26.0 from PyPI, in
// the private venv of bench/compare/referenceVenv.ts): service calls, parameters, the connection
// graph, client publish and capability gating, through OUR device API server and a real
// livekit-server. The device program is test/fixtures/reference_actions_device.py.
import assert from "node:assert/strict";
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { after, before, describe, test } from "node:test";
import { startApiServer, type ApiServer } from "../src/api-server/index.js";
import type { FoxgloveError } from "../src/core/FoxgloveError.js";
import { setLogLevel } from "../src/core/logger.js";
import { shutdownLiveKit } from "../src/livekit/index.js";
import {
  CapabilityError,
  connectViewer,
  ServiceCallError,
  type ConnectionGraph,
  type Parameter,
  type Viewer,
} from "../src/viewer/index.js";
import {
  ensureReferenceVenv,
  REFERENCE_SDK_VERSION,
  referenceVenvDir,
} from "../bench/compare/referenceVenv.js";
import { startChild } from "./helpers/childProcess.js";
import { EventLog } from "./helpers/EventLog.js";
import { startLiveKitServer, type TestLiveKitServer } from "./helpers/livekitServer.js";

const SCRIPT = fileURLToPath(new URL("./fixtures/reference_actions_device.py", import.meta.url));
const MAIN = fileURLToPath(new URL("../src/cli/main.ts", import.meta.url));
const account = (id: string) => ({
  id: `dev_${id.replaceAll("-", "_")}`,
  name: id,
  token: `fox_dt_${randomBytes(8).toString("hex")}`,
});
const accounts = { main: account("ref-actions"), assets: account("ref-assets") };
/** 0.26.0 has no Python asset handler; 0.27.0 (still protocol 2.2.0) adds `asset_handler`. */
const ASSETS_SDK_VERSION = "0.27.0";

type DeviceEvent = { event: string } & Record<string, unknown>;

/** A reference device program as a child process: commands on stdin, events from stdout. */
class RefDevice {
  readonly events = new EventLog<DeviceEvent>();
  readonly #stderr: string[] = [];
  readonly #child: ChildProcess;

  constructor(python: string, name: string, env: Record<string, string>) {
    this.#child = spawn(python, [SCRIPT, name], {
      env: { ...process.env, ...env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    createInterface({ input: this.#child.stdout! }).on("line", (line) => {
      try {
        this.events.push(JSON.parse(line) as DeviceEvent);
      } catch {
        // a stray print
      }
    });
    createInterface({ input: this.#child.stderr! }).on("line", (line) => {
      this.#stderr.push(line);
      this.#stderr.splice(0, Math.max(0, this.#stderr.length - 50));
    });
  }

  /** Index of the next event: pass it as `from` to wait only for later events. */
  get mark(): number {
    return this.events.items.length;
  }

  /** The first event `name` at or after index `from` matching `match` (15 s deadline). */
  async event(
    name: string,
    match: (e: DeviceEvent) => boolean = () => true,
    from = 0,
  ): Promise<DeviceEvent> {
    return await this.events.waitFor(
      (e) => e.event === name && match(e) && this.events.items.indexOf(e) >= from,
      15_000,
      `device event ${name} (stderr: ${this.#stderr.slice(-5).join(" | ")})`,
    );
  }

  send(command: string): void {
    this.#child.stdin!.write(`${command}\n`);
  }

  async stop(): Promise<void> {
    if (this.#child.exitCode !== null) {
      return;
    }
    const exited = new Promise((resolve) => this.#child.once("exit", resolve));
    this.#child.stdin!.end("stop\n");
    const killer = setTimeout(() => this.#child.kill("SIGKILL"), 15_000);
    await exited;
    clearTimeout(killer);
  }
}

let livekit: TestLiveKitServer;
let api: ApiServer;
let device: RefDevice;
const viewers: Viewer[] = [];

async function viewer(identity: string, deviceId = accounts.main.id): Promise<Viewer> {
  const v = await connectViewer({
    apiUrl: api.url,
    device: deviceId,
    identity,
    iceServers: livekit.iceServers,
    connectTimeoutMs: 30_000,
  });
  viewers.push(v);
  return v;
}

async function startDevice(
  python: string,
  which: { name: string; token: string },
  env: Record<string, string> = {},
): Promise<RefDevice> {
  const d = new RefDevice(python, which.name, {
    FOXGLOVE_API_URL: api.url,
    FOXGLOVE_DEVICE_TOKEN: which.token,
    ...env,
  });
  devices.push(d);
  await d.event("status", (e) => e.status === "Connected");
  return d;
}
const devices: RefDevice[] = [];

before(async () => {
  setLogLevel("error");
  const venv = await ensureReferenceVenv();
  livekit = await startLiveKitServer("viewer-actions-reference");
  api = await startApiServer({
    devices: Object.values(accounts),
    livekit: { url: livekit.url, apiKey: livekit.apiKey, apiSecret: livekit.apiSecret },
    heartbeatIntervalMs: 1000,
  });
  device = await startDevice(venv.python, accounts.main);
  const started = await device.event("started");
  assert.equal(started.version, REFERENCE_SDK_VERSION);
});

after(async () => {
  await Promise.all(viewers.map((v) => v.close()));
  await Promise.all(devices.map((d) => d.stop()));
  await api?.stop();
  await livekit?.stop();
  await shutdownLiveKit();
});

const text = (b: Uint8Array) => new TextDecoder().decode(b);

describe("our viewer library on the reference device", () => {
  let v: Viewer;
  before(async () => {
    v = await viewer("viewer-lib");
  });

  test("serverInfo announces what the device enabled; assets are gated locally", async () => {
    const info = v.serverInfo!;
    for (const c of [
      "clientPublish",
      "parameters",
      "parametersSubscribe",
      "services",
      "connectionGraph",
    ]) {
      assert.ok(info.capabilities.includes(c), `capability ${c} in ${info.capabilities.join(",")}`);
    }
    assert.ok(!info.capabilities.includes("assets"));
    assert.deepEqual(info.supportedEncodings, ["json"]);
    await assert.rejects(
      v.fetchAsset("package://robot/base.stl"),
      (e) => e instanceof CapabilityError && e.capability === "assets",
    );
    assert.ok((await v.ping()) >= 0);
  });

  test("service calls: concurrent answers correlated, handler errors and timeouts typed", async () => {
    await v.waitForService("/slow", { timeoutMs: 10_000 });
    const echo = v.services.find((s) => s.name === "/echo")!;
    assert.equal(echo.request?.encoding, "json");
    const calls = await Promise.all([
      v.callService("/add", JSON.stringify({ a: 1, b: 2 })),
      v.callService("/echo", '{"hello":"world"}'),
      v.callService("/add", JSON.stringify({ a: 40, b: 2 })),
    ]);
    assert.deepEqual(
      calls.map((r) => [r.service.name, r.encoding, JSON.parse(text(r.data)) as unknown]),
      [
        ["/add", "json", { sum: 3 }],
        ["/echo", "json", { hello: "world" }],
        ["/add", "json", { sum: 42 }],
      ],
    );
    await assert.rejects(v.callService("/fail", "{}"), (e) => {
      assert.ok(e instanceof ServiceCallError);
      assert.equal(e.reason, "handlerError");
      assert.equal(e.code, "ERR_SERVICE_CALL");
      assert.match(e.deviceMessage ?? "", /boom: bad input/);
      return true;
    });
    await assert.rejects(
      v.callService("/slow", "{}", { timeoutMs: 300 }),
      (e) => e instanceof ServiceCallError && e.reason === "timeout" && e.code === "ERR_TIMEOUT",
    );
    await assert.rejects(
      v.callService("/echo", "{}", { encoding: "cbor" }),
      (e) => e instanceof ServiceCallError && e.reason === "unsupportedEncoding",
    );
    await assert.rejects(
      v.callService("/nope", "{}"),
      (e) => e instanceof ServiceCallError && e.reason === "unknownService",
    );
    // The late answer of the timed-out call is dropped; the viewer keeps working.
    const again = await v.callService("/slow", "{}", { timeoutMs: 15_000 });
    assert.deepEqual(JSON.parse(text(again.data)), { slept: true });
    assert.equal(v.closeReason, undefined);
  });

  test("parameters: get, set (float kept a float), and a set seen by a second subscribed viewer", async () => {
    const all = await v.getParameters([]);
    assert.deepEqual(all.map((p) => p.name).sort(), ["gain", "mode", "speed"]);
    assert.deepEqual(await v.getParameters(["speed", "gain"]), [
      { name: "speed", value: 1 },
      { name: "gain", type: "float64", value: 0.5 },
    ]);
    const other = await viewer("viewer-watch");
    const from = device.mark;
    const updates = other.subscribeParameterUpdates(["gain"]);
    await device.event("paramsSubscribe", (e) => JSON.stringify(e.names) === '["gain"]', from);
    const applied = await v.setParameters([{ name: "gain", type: "float64", value: 2 }]);
    assert.deepEqual(applied, [{ name: "gain", type: "float64", value: 2 }]);
    const pushed = await nextUpdate(updates);
    assert.deepEqual(pushed, [{ name: "gain", type: "float64", value: 2 }]);
    assert.deepEqual(await v.getParameters(["gain"]), [
      { name: "gain", type: "float64", value: 2 },
    ]);
    // Values the device application publishes reach subscribers too.
    device.send(`params ${JSON.stringify({ gain: 3.5, speed: 9 })}`);
    assert.deepEqual(await nextUpdate(updates), [{ name: "gain", type: "float64", value: 3.5 }]);
    updates.unsubscribe();
    await device.event("paramsUnsubscribe", (e) => JSON.stringify(e.names) === '["gain"]', from);
  });

  test("connection graph: the whole graph first, then kept up to date from diffs", async () => {
    const from = device.mark;
    const graphs = v.subscribeConnectionGraph();
    await device.event("graphSubscribe", () => true, from);
    const first = await nextUpdate(graphs);
    assert.deepEqual(first, {
      publishedTopics: {},
      subscribedTopics: {},
      advertisedServices: {},
    });
    device.send(
      `graph ${JSON.stringify({
        published: { "/imu": ["driver"], "/odom": ["base"] },
        subscribed: { "/imu": ["fusion"] },
        services: { "/reset": ["base"] },
      })}`,
    );
    assert.deepEqual(await nextUpdate(graphs), {
      publishedTopics: { "/imu": ["driver"], "/odom": ["base"] },
      subscribedTopics: { "/imu": ["fusion"] },
      advertisedServices: { "/reset": ["base"] },
    });
    device.send(
      `graph ${JSON.stringify({
        published: { "/imu": ["driver", "replay"] },
        subscribed: { "/imu": ["fusion"] },
        services: { "/calibrate": ["arm"] },
      })}`,
    );
    const merged: ConnectionGraph = await nextUpdate(graphs);
    assert.deepEqual(merged, {
      publishedTopics: { "/imu": ["driver", "replay"] },
      subscribedTopics: { "/imu": ["fusion"] },
      advertisedServices: { "/calibrate": ["arm"] },
    });
    assert.equal(v.connectionGraph, merged);
    graphs.unsubscribe();
    await device.event("graphUnsubscribe", () => true, from);
  });

  test("client publish: advertise, messages in order, unadvertise; encodings checked", async () => {
    assert.throws(
      () => v.advertise({ topic: "/cmd", encoding: "cbor" }),
      (e) => e instanceof Error && "code" in e && e.code === "ERR_UNSUPPORTED_ENCODING",
    );
    const from = device.mark;
    const publisher = v.advertise({
      topic: "/cmd_vel",
      encoding: "json",
      schema: { name: "geometry_msgs/Twist", encoding: "", data: new Uint8Array() },
    });
    const adv = await device.event("clientAdvertise", (e) => e.topic === "/cmd_vel", from);
    assert.equal(adv.encoding, "json");
    assert.equal(adv.schemaName, "geometry_msgs/Twist");
    for (let i = 0; i < 5; i++) {
      publisher.publish(JSON.stringify({ linear: i }));
    }
    await device.events.waitFor(
      () => device.events.items.slice(from).filter((e) => e.event === "message").length >= 5,
      15_000,
      "5 client messages",
    );
    const texts = device.events.items
      .slice(from)
      .filter((e) => e.event === "message" && e.topic === "/cmd_vel")
      .map((e) => (JSON.parse(e.text as string) as { linear: number }).linear);
    assert.deepEqual(texts, [0, 1, 2, 3, 4]);
    publisher.unadvertise();
    await device.event("clientUnadvertise", (e) => e.topic === "/cmd_vel", from);
    assert.throws(() => publisher.publish("{}"), /unadvertised/);
  });

  test("a viewer that leaves mid-call: its pending call fails with a typed error", async () => {
    const leaving = await viewer("viewer-leaving");
    await leaving.waitForService("/slow");
    const failed = assert.rejects(
      leaving.callService("/slow", "{}"),
      (e) =>
        e instanceof ServiceCallError &&
        e.reason === "disconnected" &&
        e.code === "ERR_CHANNEL_CLOSED",
    );
    await leaving.close();
    await failed;
    // The device is unharmed: another viewer's call still works.
    const r = await v.callService("/add", '{"a":2,"b":3}');
    assert.deepEqual(JSON.parse(text(r.data)), { sum: 5 });
  });
});

describe(`assets on the reference device ${ASSETS_SDK_VERSION} (Python asset_handler)`, () => {
  let v: Viewer;
  before(async () => {
    const venv = await ensureReferenceVenv(
      join(dirname(referenceVenvDir()), `bench-venv-${ASSETS_SDK_VERSION}`),
      ASSETS_SDK_VERSION,
    );
    await startDevice(venv.python, accounts.assets);
    v = await viewer("viewer-assets", accounts.assets.id);
  });

  test("fetchAsset: the bytes, the device's not-found and handler errors typed", async () => {
    assert.ok(v.serverInfo!.capabilities.includes("assets"));
    const [mesh, missing, broken] = await Promise.allSettled([
      v.fetchAsset("package://robot/base.stl"),
      v.fetchAsset("package://robot/none.stl"),
      v.fetchAsset("package://robot/broken"),
    ]);
    assert.equal(mesh.status, "fulfilled");
    assert.equal(text(mesh.value), "solid base\nendsolid base\n");
    for (const [result, uri] of [
      [missing, "package://robot/none.stl"],
      [broken, "package://robot/broken"],
    ] as const) {
      assert.equal(result.status, "rejected");
      const error = result.reason as FoxgloveError;
      assert.equal(error.code, "ERR_ASSET");
      assert.ok(error.message.startsWith(`asset ${uri}: `), error.message);
    }
    assert.match((broken as PromiseRejectedResult).reason.message as string, /disk on fire/);
  });

  test("asset -o writes the file; a missing asset exits 2", async () => {
    const dir = await mkdtemp(join(tmpdir(), "fr-asset-"));
    try {
      const out = join(dir, "base.stl");
      const { stderr } = await runCli(
        accounts.assets.id,
        "asset",
        "package://robot/base.stl",
        "-o",
        out,
      );
      assert.match(stderr, /wrote 25 bytes/);
      assert.equal(await readFile(out, "utf8"), "solid base\nendsolid base\n");
      const failure = await cliFailure(2, accounts.assets.id, "asset", "package://robot/none.stl");
      assert.match(failure, /package:\/\/robot\/none.stl/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("the CLI on the reference device (child processes through pipes)", () => {
  const cli = (...args: string[]) => runCli(accounts.main.id, ...args);
  const failing = (code: number, ...args: string[]) => cliFailure(code, accounts.main.id, ...args);

  test("call prints the JSON response; a failing service exits 2 with the device's text", async () => {
    const { stdout } = await cli("call", "/add", '{"a": 20, "b": 22}');
    assert.equal(stdout, '{"sum":42}\n');
    const stderrText = await failing(2, "call", "/fail");
    assert.match(stderrText, /boom: bad input/);
  });

  test("param set then get; asset on a device without assets exits 3", async () => {
    const set = await cli("param", "set", "speed", "2.0");
    assert.equal(set.stdout, "speed = 2.0\n");
    const get = await cli("param", "get", "speed", "mode", "--json");
    assert.deepEqual(
      get.stdout
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as Parameter),
      [
        { name: "speed", type: "float64", value: 2 },
        { name: "mode", value: "manual" },
      ],
    );
    assert.match(await failing(3, "asset", "package://robot/base.stl"), /assets/);
  });

  test("publish --rate --count sends every message in order", async () => {
    const from = device.mark;
    const { stderr: note } = await cli(
      "publish",
      "/teleop",
      '{"x": 1}',
      "--rate",
      "20",
      "--count",
      "4",
    );
    assert.match(note, /published 4 message/);
    await device.events.waitFor(
      () =>
        device.events.items
          .slice(from)
          .filter((e) => e.event === "message" && e.topic === "/teleop").length >= 4,
      15_000,
      "4 messages on /teleop",
    );
    await device.event("clientUnadvertise", (e) => e.topic === "/teleop", from);
  });

  test("param watch prints pushed values; SIGINT (pipes) ends it at once with 0", async () => {
    const from = device.mark;
    const child = cliChild(accounts.main.id, ["param", "watch", "speed"]);
    await device.event("paramsSubscribe", (e) => JSON.stringify(e.names) === '["speed"]', from);
    device.send(`params ${JSON.stringify({ speed: 5, mode: "auto" })}`);
    await child.waitForOutput(/^speed = 5$/m, 15_000);
    child.proc.kill("SIGINT");
    assert.equal(await child.exit(10_000), 0, child.stderr());
    await device.event("paramsUnsubscribe", (e) => JSON.stringify(e.names) === '["speed"]', from);
  });

  test("publish --rate until Ctrl-C typed in a pseudo-terminal", async () => {
    const from = device.mark;
    const args = ["publish", "/tty", '{"x":1}', "--rate", "10"];
    const child = cliChild(accounts.main.id, args, { terminal: true });
    await device.events.waitFor(
      () => device.events.items.slice(from).filter((e) => e.topic === "/tty").length >= 3,
      20_000,
      "3 messages on /tty",
    );
    child.proc.stdin.write("\x03"); // the terminal's Ctrl-C
    // The command stops publishing at once and reports; the device sees the channel go.
    await child.waitForOutput(/published \d+ message\(s\) on \/tty/, 10_000);
    await device.event("clientUnadvertise", (e) => e.topic === "/tty", from);
    assert.equal(await child.exit(10_000), 0);
  });

  test("graph --json prints the device's current graph", async () => {
    const { stdout } = await cli("graph", "--json");
    assert.deepEqual(JSON.parse(stdout), {
      publishedTopics: { "/imu": ["driver", "replay"] },
      subscribedTopics: { "/imu": ["fusion"] },
      advertisedServices: { "/calibrate": ["arm"] },
    });
  });
});

const run = promisify(execFile);

/** Runs the CLI as a child process (pipes), for the device `deviceId`. */
async function runCli(deviceId: string, ...args: string[]) {
  return await run(process.execPath, ["--import", "tsx", MAIN, ...args, "--device", deviceId], {
    timeout: 60_000,
    env: { ...process.env, FOXGLOVE_API_URL: api.url, FOXGLOVE_LOG_LEVEL: "error" },
  });
}

/** Starts the CLI for the device `deviceId` as a child process (pipes, or a terminal). */
function cliChild(deviceId: string, args: string[], options: { terminal?: boolean } = {}) {
  return startChild(process.execPath, ["--import", "tsx", MAIN, ...args, "--device", deviceId], {
    env: { ...process.env, FOXGLOVE_API_URL: api.url, FOXGLOVE_LOG_LEVEL: "error" },
    ...options,
  });
}

/** Runs the CLI, expects exit code `expected`, returns its stderr. */
async function cliFailure(expected: number, deviceId: string, ...args: string[]): Promise<string> {
  const error = await runCli(deviceId, ...args).then(
    () => assert.fail(`${args.join(" ")} should fail`),
    (e: { code: number; stderr: string }) => e,
  );
  assert.equal(error.code, expected, error.stderr);
  return error.stderr;
}

async function nextUpdate<T>(sub: AsyncIterable<T>): Promise<T> {
  const iterator = sub[Symbol.asyncIterator]();
  let timer: NodeJS.Timeout | undefined;
  try {
    const r = await Promise.race([
      iterator.next(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error("no update within 15 s")), 15_000);
      }),
    ]);
    assert.equal(r.done, false);
    return r.value;
  } finally {
    clearTimeout(timer);
  }
}
