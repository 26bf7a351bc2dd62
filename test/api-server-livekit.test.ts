// The API server's tokens against a real livekit-server: a device woken through the watch and a
// viewer answered by the viewer endpoint meet in the same room, each seeing the other's identity
// and protocolVersion attribute.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import {
  startApiServer,
  TEST_DEVICE,
  VIEWER_CONNECT_PATH,
  WATCH_PATH,
} from "../src/api-server/index.js";
import type { ApiServer, ViewerConnectResponse } from "../src/api-server/index.js";
import { mintLiveKitToken } from "../src/api-server/index.js";
import { setLogLevel } from "../src/core/logger.js";
import { connectRoom, shutdownLiveKit } from "../src/livekit/index.js";
import type { LiveKitRoom, RemoteParticipantInfo } from "../src/livekit/index.js";
import { EventLog } from "./helpers/EventLog.js";
import { startLiveKitServer } from "./helpers/livekitServer.js";
import type { TestLiveKitServer } from "./helpers/livekitServer.js";
import { SseTestClient } from "./helpers/sseTestClient.js";

const AUTH = { Authorization: `DeviceToken ${TEST_DEVICE.token}` };
let livekit: TestLiveKitServer;
let api: ApiServer;
const rooms: LiveKitRoom[] = [];

before(async () => {
  setLogLevel("silent"); // the refused join below logs expected errors
  livekit = await startLiveKitServer("api-server");
  api = await startApiServer({
    devices: [TEST_DEVICE],
    livekit: { url: livekit.url, apiKey: livekit.apiKey, apiSecret: livekit.apiSecret },
    sessionJoinGraceMs: 0,
  });
});

after(async () => {
  await Promise.all(rooms.map((r) => r.close()));
  await api?.stop();
  await livekit?.stop();
  await shutdownLiveKit();
});

async function join(url: string, token: string, seen: EventLog<RemoteParticipantInfo>) {
  const room = await connectRoom(url, token, {
    iceServers: livekit.iceServers,
    listener: { onParticipantActive: seen.push },
  });
  rooms.push(room);
  return room;
}

test("device and viewer meet in the woken room with their identities and versions", async () => {
  const device = await SseTestClient.open(`${api.url}${WATCH_PATH}?protocolVersion=2.2.0`, AUTH);
  await device.expectEvent("hello");
  const res = await fetch(api.url + VIEWER_CONNECT_PATH, {
    method: "POST",
    body: JSON.stringify({ device: "test-device", identity: "viewer-1", protocolVersion: "2.3.1" }),
  });
  assert.equal(res.status, 200);
  const answer = (await res.json()) as ViewerConnectResponse;
  const wake = await device.expectEvent("wake");
  device.close();

  const deviceSees = new EventLog<RemoteParticipantInfo>();
  const viewerSees = new EventLog<RemoteParticipantInfo>();
  await join(wake.url as string, wake.token as string, deviceSees);
  await join(answer.livekitUrl, answer.token, viewerSees);
  const theDevice = await viewerSees.waitFor((p) => p.identity === answer.deviceIdentity);
  assert.deepEqual(theDevice.attributes, { protocolVersion: "2.2.0" });
  assert.equal(theDevice.name, "test-device");
  const theViewer = await deviceSees.waitFor((p) => p.identity === "viewer-1");
  assert.deepEqual(theViewer.attributes, { protocolVersion: "2.3.1" });

  // LiveKit confirms the device is in the room: the next viewer joins it without a wake.
  const second = await fetch(api.url + VIEWER_CONNECT_PATH, {
    method: "POST",
    body: JSON.stringify({ device: "test-device", timeoutMs: 0 }),
  });
  assert.equal(second.status, 200);
  const again = (await second.json()) as ViewerConnectResponse;
  assert.equal(again.woke, false);
  assert.equal(again.room, answer.room);
  await Promise.all(rooms.splice(0).map((r) => r.close()));
});

test("a session whose device never reached the room is over for the next viewer", async () => {
  const device = await SseTestClient.open(api.url + WATCH_PATH, AUTH);
  await device.expectEvent("hello");
  const connect = () =>
    fetch(api.url + VIEWER_CONNECT_PATH, {
      method: "POST",
      body: JSON.stringify({ device: "test-device", timeoutMs: 0 }),
    });
  const first = await connect();
  assert.equal(((await first.json()) as ViewerConnectResponse).woke, true);
  await device.expectEvent("wake");
  device.close();
  // The device never joins: LiveKit does not know it in that room, so the session is over.
  const second = await connect();
  assert.equal(second.status, 503);
  assert.equal(((await second.json()) as { error: string }).error, "device_offline");
  assert.equal(api.devices()[0]?.phase, "offline");
});

test("the real server refuses a token signed with another secret", async () => {
  const token = await mintLiveKitToken({
    apiKey: livekit.apiKey,
    apiSecret: "not-the-secret-of-this-server-at-all",
    identity: "intruder",
    room: "any",
  });
  await assert.rejects(
    connectRoom(livekit.url, token, { iceServers: livekit.iceServers, joinRetries: 0 }),
    { code: "ERR_LIVEKIT" },
  );
});
