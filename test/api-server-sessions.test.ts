// Viewer identities and API server restarts against the real stack: livekit-server, the API
// server, a gateway running a session over a Context, and viewers from the viewer library.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import {
  startApiServer,
  TEST_DEVICE,
  VIEWER_CONNECT_PATH,
  VIEWER_DEVICES_PATH,
  type ApiServer,
  type ApiServerOptions,
  type DeviceStatus,
} from "../src/api-server/index.js";
import { Context } from "../src/core/Context.js";
import { RawChannel } from "../src/core/RawChannel.js";
import { setLogLevel } from "../src/core/logger.js";
import type { RemoteAccessGateway } from "../src/gateway/RemoteAccessGateway.js";
import { startGateway } from "../src/gateway/startGateway.js";
import { shutdownLiveKit } from "../src/livekit/index.js";
import { connectViewer, type Viewer } from "../src/viewer/index.js";
import { EventLog } from "./helpers/EventLog.js";
import { startLiveKitServer, type TestLiveKitServer } from "./helpers/livekitServer.js";

let livekit: TestLiveKitServer;
let api: ApiServer;
let apiOptions: ApiServerOptions;
let gateway: RemoteAccessGateway;
const context = new Context();
const viewers: Viewer[] = [];
let ticker: NodeJS.Timeout;

before(async () => {
  setLogLevel("warn");
  livekit = await startLiveKitServer("api-server-sessions");
  apiOptions = {
    devices: [TEST_DEVICE],
    livekit: { url: livekit.url, apiKey: livekit.apiKey, apiSecret: livekit.apiSecret },
  };
  api = await startApiServer(apiOptions);
  gateway = startGateway({
    deviceToken: TEST_DEVICE.token,
    foxgloveApiUrl: api.url,
    context,
    iceServers: livekit.iceServers,
    qosClassifier: () => ({ reliability: "reliable" }),
  });
  const tick = new RawChannel("/tick", { context, messageEncoding: "json" });
  let i = 0;
  ticker = setInterval(() => tick.log(new TextEncoder().encode(JSON.stringify({ i: i++ }))), 50);
});

after(async () => {
  clearInterval(ticker);
  await Promise.all(viewers.map((v) => v.close()));
  await gateway?.stop();
  await api?.stop();
  await livekit?.stop();
  context.close();
  await shutdownLiveKit();
});

async function viewer(identity?: string): Promise<Viewer> {
  const v = await connectViewer({
    apiUrl: api.url,
    device: TEST_DEVICE.id,
    iceServers: livekit.iceServers,
    ...(identity !== undefined ? { identity } : {}),
  });
  viewers.push(v);
  return v;
}

/** Counts `/tick` messages reaching `v`. */
function ticks(v: Viewer): EventLog<number> {
  const log = new EventLog<number>();
  void (async () => {
    for await (const m of v.subscribe("/tick")) {
      log.push((JSON.parse(new TextDecoder().decode(m.data)) as { i: number }).i);
    }
  })();
  return log;
}

/** Waits until `log` has `n` more items than now. */
const more = (log: EventLog<number>, n: number, what: string) => {
  const target = log.items.length + n;
  return log.waitFor(() => log.items.length >= target, 10_000, what);
};

function connectAs(identity: string) {
  return fetch(api.url + VIEWER_CONNECT_PATH, {
    method: "POST",
    body: JSON.stringify({ device: TEST_DEVICE.id, identity, timeoutMs: 0 }),
  });
}

let alice: Viewer;
let aliceTicks: EventLog<number>;

test("a second connect with a live viewer's identity is refused and does not disconnect it", async () => {
  alice = await viewer("alice");
  aliceTicks = ticks(alice);
  await more(aliceTicks, 3, "alice's first ticks");
  const res = await connectAs("alice");
  assert.equal(res.status, 409);
  assert.equal(((await res.json()) as { error: string }).error, "identity_taken");
  // Through the library too: a typed error, and alice keeps her connection.
  await assert.rejects(viewer("alice"), { code: "ERR_API" });
  await more(aliceTicks, 10, "alice's ticks after the attempts");
  assert.equal(alice.isClosed, false);
  assert.equal(alice.closeReason, undefined);
});

test("viewer tokens may subscribe and publish data but not tracks, and live at most 1 h", async () => {
  const res = await connectAs("token-check");
  assert.equal(res.status, 200);
  const { token } = (await res.json()) as { token: string };
  const claims = JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString()) as {
    exp: number;
    nbf: number;
    video: Record<string, unknown>;
  };
  assert.ok(claims.exp - Math.floor(Date.now() / 1000) <= 3600);
  assert.equal(claims.video.canPublish, false);
  assert.equal(claims.video.canSubscribe, true);
  assert.equal(claims.video.canPublishData, true);
});

test("after an API server restart, new viewers join the running session", async () => {
  const before = alice.serverInfo?.sessionId;
  assert.match(before ?? "", /^ras_/);
  const port = api.port;
  await api.stop();
  api = await startApiServer({ ...apiOptions, port });
  // The new server knows nothing, but finds the device in its LiveKit room. (fetch may first try
  // a keep-alive socket the old server closed: a fresh one is used on the retry.)
  const list = await fetch(api.url + VIEWER_DEVICES_PATH).catch(() =>
    fetch(api.url + VIEWER_DEVICES_PATH),
  );
  const { devices } = (await list.json()) as { devices: DeviceStatus[] };
  assert.equal(devices[0]?.phase, "session");
  const bob = await viewer();
  assert.equal(bob.serverInfo?.sessionId, before, "same session, not a new wake");
  await more(ticks(bob), 3, "bob's ticks");
  // The restarted server still refuses alice's identity: LiveKit says she is in the room.
  assert.equal((await connectAs("alice")).status, 409);
  await more(aliceTicks, 3, "alice's ticks after the restart");
  assert.equal(alice.isClosed, false);
});
