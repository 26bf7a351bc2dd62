// Interoperability with the reference gateway from PyPI, installed into private venvs by
// bench/compare/referenceVenv.ts: foxglove-sdk 0.26.0 (protocol 2.2.0, inline advertise; a Reliable
// and a Lossy device) and 0.30.3 (protocol 2.3.0, schema-table advertise; a Lossy device). They run
// against OUR device API server and a real livekit-server: they go through device-info, watch,
// hello and heartbeats, are woken by our viewer endpoint, and OUR viewer library (speaking 2.3.0)
// subscribes to their channels and receives their messages.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import { after, before, test } from "node:test";
import { startApiServer, type ApiServer } from "../src/api-server/index.js";
import { setLogLevel } from "../src/core/logger.js";
import { shutdownLiveKit } from "../src/livekit/index.js";
import {
  connectViewer,
  decodePointCloud,
  type Viewer,
  type ViewerMessage,
} from "../src/viewer/index.js";
import { DeviceProcess } from "../bench/compare/DeviceProcess.js";
import { Phase, readPayload } from "../bench/compare/payload.js";
import {
  ensureReferenceVenv,
  REFERENCE_SDK_VERSION,
  referenceVenvDir,
} from "../bench/compare/referenceVenv.js";
import { BENCH_TOPIC, deviceArgs, type Qos } from "../bench/compare/workload.js";
import { EventLog } from "./helpers/EventLog.js";
import { startLiveKitServer, type TestLiveKitServer } from "./helpers/livekitServer.js";
import { TestViewer } from "./helpers/TestViewer.js";

const SCRIPT = fileURLToPath(new URL("../bench/compare/reference_device.py", import.meta.url));
/** The reference releases under test, the protocol each speaks, and the devices run per release. */
const RELEASES = [
  { version: REFERENCE_SDK_VERSION, protocol: "2.2.0", qos: ["reliable", "lossy"] },
  { version: "0.30.3", protocol: "2.3.0", qos: ["lossy"] },
] as const satisfies readonly { version: string; protocol: string; qos: readonly Qos[] }[];
const DEVICES = RELEASES.flatMap((r) =>
  r.qos.map((qos) => ({ ...r, qos, key: `${r.version}-${qos}` })),
);
const accounts = DEVICES.map((d) => ({
  id: `dev_ref_${d.key.replace(/\W/g, "_")}`,
  name: `ref-${d.key}`,
  token: `fox_dt_${randomBytes(8).toString("hex")}`,
}));
let livekit: TestLiveKitServer;
let api: ApiServer;
const devices = new Map<string, DeviceProcess>();
const viewers: Viewer[] = [];

before(async () => {
  setLogLevel("error");
  const venvs = new Map<string, string>();
  for (const r of RELEASES) {
    const dir =
      r.version === REFERENCE_SDK_VERSION
        ? referenceVenvDir()
        : `${referenceVenvDir()}-${r.version}`;
    venvs.set(r.version, (await ensureReferenceVenv(dir, r.version)).python);
  }
  livekit = await startLiveKitServer("reference-interop");
  api = await startApiServer({
    devices: accounts,
    livekit: { url: livekit.url, apiKey: livekit.apiKey, apiSecret: livekit.apiSecret },
    heartbeatIntervalMs: 1000,
  });
  DEVICES.forEach((d, i) => {
    const account = accounts[i]!;
    devices.set(
      d.key,
      DeviceProcess.start({
        command: venvs.get(d.version)!,
        args: [SCRIPT, ...deviceArgs(d.qos, account.name)],
        env: { FOXGLOVE_API_URL: api.url, FOXGLOVE_DEVICE_TOKEN: account.token },
      }),
    );
  });
});

after(async () => {
  await Promise.all(viewers.map((v) => v.close()));
  await Promise.all([...devices.values()].map((d) => d.stop()));
  await api?.stop();
  await livekit?.stop();
  await shutdownLiveKit();
});

for (const [i, d] of DEVICES.entries()) {
  if (i > 0 && DEVICES[i - 1]!.version === d.version) continue; // once per release
  test(`dormant phase of ${d.version}: device-info, watch at protocol ${d.protocol}, hello, heartbeats on the lease`, async () => {
    const device = devices.get(d.key)!;
    const account = accounts[i]!;
    const started = await device.waitFor("started");
    assert.equal(started.version, d.version);
    const heartbeat = await api.waitFor("heartbeat", {
      filter: (h) => h.deviceId === account.id,
      timeoutMs: 20_000,
    });
    assert.equal(heartbeat.verdict, "ok");
    await device.waitFor("status", { match: (e) => e.status === "Connected" });

    const requests = (endpoint: string) =>
      api.requests.filter((r) => r.endpoint === endpoint && r.deviceId === account.id);
    const [info] = requests("deviceInfo");
    assert.equal(info?.status, 200);
    assert.equal(info.userAgent, `foxglove-sdk-python/${d.version}`);
    const [watch] = requests("watch");
    assert.equal(watch?.status, 200);
    assert.equal(watch.query.protocolVersion, d.protocol);
    assert.equal(requests("heartbeat")[0]?.watchLeaseId, heartbeat.leaseId);
    assert.equal(api.activeLease(account.id)?.id, heartbeat.leaseId);
  });
}

for (const [i, { qos, version, protocol, key }] of DEVICES.entries()) {
  test(`our viewer wakes the reference ${version} (${protocol}) and receives its ${qos} channel`, async () => {
    const account = accounts[i]!;
    const device = devices.get(key)!;
    await device.waitFor("status", { match: (e) => e.status === "Connected" });
    const viewer = await connectViewer({
      apiUrl: api.url,
      device: account.id,
      identity: `viewer-${key}`,
      iceServers: livekit.iceServers,
      connectTimeoutMs: 30_000,
    });
    viewers.push(viewer);
    assert.equal(viewer.serverInfo?.name, account.name);
    assert.match(viewer.serverInfo?.sessionId ?? "", /^ras_/);
    assert.equal(viewer.serverInfo?.metadata?.["fg-library"], `foxglove-sdk-python/${version}`);
    const channel = await viewer.waitForChannel(BENCH_TOPIC, { timeoutMs: 10_000 });
    assert.equal(channel.messageEncoding, "bench");
    assert.equal(channel.schemaName, "bench.Payload");
    assert.equal(channel.schema?.name, "bench.Payload");

    const messages = new EventLog<ViewerMessage>();
    viewer.subscribe(BENCH_TOPIC, { onMessage: messages.push });
    await device.waitFor("subscribers", { match: (e) => e.count === 1, timeoutMs: 15_000 });
    device.send("warm 64");
    const third = await messages.waitFor(() => messages.items.length >= 3, 20_000, "3 messages");
    assert.equal(third.source, qos === "reliable" ? "controlStream" : "dataTrack");
    const payloads = messages.items.slice(0, 3).map((m) => readPayload(m.data)!);
    for (const [k, m] of messages.items.slice(0, 3).entries()) {
      assert.equal(m.data.length, 64);
      assert.equal(payloads[k]!.phase, Phase.Warm);
      // The reference stamps the log time when log() is called, right after the payload's time.
      const skew = m.logTime - payloads[k]!.timeNs;
      assert.ok(skew >= 0n && skew < 1_000_000_000n, `log time off by ${skew} ns`);
    }
    if (qos === "reliable") {
      assert.deepEqual(
        payloads.map((p) => p.seq),
        [0, 1, 2],
      );
    } else {
      const seqs = messages.items.slice(0, 3).map((m) => m.sequence!);
      assert.ok(
        seqs[0]! < seqs[1]! && seqs[1]! < seqs[2]!,
        `data-track sequences ${seqs.join(",")}`,
      );
    }
    device.send("idle");
    const warmed = await device.waitFor("warmed");
    assert.ok(warmed.sent >= 3);
    if (version === "0.30.3") {
      // The reference compresses point clouds for remote viewers (since 0.27.0); ours decodes them.
      const cloudChannel = await viewer.waitForChannel("/cloud", { timeoutMs: 10_000 });
      assert.equal(cloudChannel.schemaName, "foxglove.CompressedPointCloud");
      assert.equal(cloudChannel.metadata["foxglove.originalSchemaName"], "foxglove.PointCloud");
      const clouds = new EventLog<ViewerMessage>();
      viewer.subscribe("/cloud", { onMessage: clouds.push });
      const timer = setInterval(() => device.send("cloud 1000"), 500);
      let message: ViewerMessage;
      try {
        message = await clouds.waitFor(() => true, 20_000, "a compressed cloud");
      } finally {
        clearInterval(timer);
      }
      const cloud = await decodePointCloud(message);
      assert.equal(cloud.frame_id, "ref");
      const points = cloud.data.byteLength / cloud.point_stride;
      assert.equal(points, 1000);
      const view = new DataView(cloud.data.buffer, cloud.data.byteOffset);
      const step = 2000 / 2 ** 12; // 12 bits over the largest extent (y spans 0..1998)
      const seen = new Set<number>();
      for (let p = 0; p < points; p++) {
        const [x, y, z] = [0, 4, 8].map((o) => view.getFloat32(p * cloud.point_stride + o, true));
        const i = Math.round(x!);
        assert.ok(Math.abs(x! - i) <= step && Math.abs(y! - 2 * i) <= 2 * step, `point ${p}`);
        assert.ok(Math.abs(z! + i) <= step, `point ${p}`);
        seen.add(i);
      }
      assert.ok(seen.size > 900, `${seen.size} distinct points`);
    }
    if (protocol === "2.3.0") {
      // What reached the wire: a raw 2.3.0 participant gets the schema-table form.
      const raw = await TestViewer.viaApiServer(
        { apiUrl: api.url, device: account.id, identity: `raw-${key}`, protocolVersion: "2.3.0" },
        livekit.iceServers,
      );
      try {
        const advertise = await raw.waitFor("advertise", () => true, 20_000);
        assert.ok("schemas" in advertise, "the 0.30.3 reference sends the schema-table form");
        assert.deepEqual(advertise.schemas.map((s) => s.name).sort(), [
          "bench.Payload",
          "foxglove.CompressedPointCloud",
        ]);
      } finally {
        await raw.close();
      }
    }
  });
}
