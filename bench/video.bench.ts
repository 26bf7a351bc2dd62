// Video through a real livekit-server: 1280x720 protobuf RawImage (rgb8) messages logged at
// 30 fps for 10 s, decoded by a viewer. Each frame carries its index as a 16-block barcode so the
// viewer can match it to its log() time (bench/videoFrames.ts, shared with bench:compare). Two set-ups: (1) the bare transport, a VideoPublisher
// and an rtc-node participant; (2) end to end, a Channel on a Context served by a gateway woken
// through the API server, and a viewer from the viewer library. Device and viewer share this
// process (and the 2 cores) — as in livekit.bench.ts and e2e.bench.ts.
import { startApiServer, TEST_DEVICE } from "../src/api-server/index.js";
import { Channel } from "../src/core/Channel.js";
import { Context } from "../src/core/Context.js";
import { sessionJoiner } from "../src/gateway/sessionJoiner.js";
import { startGateway } from "../src/gateway/startGateway.js";
import {
  connectRoom,
  mintDevToken,
  startDevServer,
  resolveVideoCodecOptions,
  type DevServer,
  type LiveKitRoom,
} from "../src/livekit/index.js";
import { VideoPublisher } from "../src/media/VideoPublisher.js";
import { RawImage } from "../src/messages/index.js";
import { connectViewer } from "../src/viewer/index.js";
import { deadline, type BenchResult } from "./harness.js";
import { FrameStats, readFrameIndex, VideoScene } from "./videoFrames.js";

const W = 1280;
const H = 720;
const FPS = 30;
const SECONDS = 10;

/** Frames as the viewer sees them: size and the Y plane. */
type Frames = AsyncIterable<{ width: number; height: number; data: Uint8Array }>;

/**
 * Logs the workload through `log(message, index)` while reading `frames`; returns the figures.
 * `stats` describes what the device did, for the detail column.
 */
async function measure(
  label: string,
  log: (message: Uint8Array | RawImage, index: number) => void,
  encoded: boolean,
  frames: Frames,
  stop: () => Promise<void>,
  describe: () => string,
): Promise<BenchResult[]> {
  const pushedAt = new Map<number, number>();
  const stats = new FrameStats((index) => pushedAt.get(index));
  const reading = (async () => {
    for await (const frame of frames) {
      const now = performance.now();
      stats.add(readFrameIndex(frame.data, frame.width, frame.height, H), now);
    }
  })();
  const scene = new VideoScene(W, H);
  const total = FPS * SECONDS;
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  for (let i = 1; i <= total; i++) {
    const rgb = scene.draw(i);
    const image: RawImage = {
      timestamp: { sec: 0, nsec: 0 },
      frame_id: "cam",
      width: W,
      height: H,
      encoding: "rgb8",
      step: W * 3,
      data: rgb,
    };
    pushedAt.set(i, performance.now());
    log(encoded ? RawImage.encode(image) : image, i);
    const next = start + (i * 1000) / FPS;
    await new Promise((r) => setTimeout(r, Math.max(0, next - performance.now())));
  }
  await new Promise((r) => setTimeout(r, 1000)); // let the last frames land
  const cpu = process.cpuUsage(cpu0);
  const elapsedS = (performance.now() - start) / 1000;
  await stop();
  await deadline(reading, 5_000, "video reader");
  const f = stats.figures;
  const detail = `${total} frames logged at ${FPS} fps; ${describe()}; ${f.decoded} decoded distinct`;
  return [
    { name: `${label}: frames per second at the viewer`, value: f.fps, unit: "fps", detail },
    {
      name: `${label}: log() -> decoded frame, p50`,
      value: f.p50,
      unit: "ms",
      detail: `over ${f.decoded} frames`,
    },
    { name: `${label}: log() -> decoded frame, p99`, value: f.p99, unit: "ms" },
    {
      name: `${label}: process CPU (device + viewer + scene drawing)`,
      value: ((cpu.user + cpu.system) / 1e6 / elapsedS) * 100,
      unit: "% of one core",
    },
  ];
}

async function bareTransport(server: DevServer): Promise<BenchResult[]> {
  const rooms: LiveKitRoom[] = [];
  try {
    for (const identity of ["device", "viewer"]) {
      const token = await mintDevToken({
        apiKey: server.apiKey,
        apiSecret: server.apiSecret,
        room: "video-bench",
        identity,
      });
      rooms.push(await connectRoom(server.url, token, { iceServers: server.iceServers }));
    }
    const [device, viewer] = rooms as [LiveKitRoom, LiveKitRoom];
    const name = "video-ch-1";
    const publisher = new VideoPublisher({
      name,
      schema: { decoder: "protobuf", image: "raw" },
      publish: (size) =>
        device.publishVideo(name, {
          ...size,
          ...resolveVideoCodecOptions(process.env, process.platform),
        }),
    });
    // The track appears once the first frame is converted: subscribe while logging.
    const subscribing = viewer.subscribeVideo("device", name, { timeoutMs: 20_000 });
    const frames = (async function* () {
      yield* await subscribing;
    })();
    return await measure(
      "video 1280x720@30, bare transport",
      (message, i) => publisher.push(message as Uint8Array, BigInt(i) * 33_333_333n),
      true,
      frames,
      async () => {
        await (await subscribing).close();
        await publisher.close();
      },
      () => `${publisher.stats.sent} encoded, ${publisher.stats.dropped} dropped before conversion`,
    );
  } finally {
    for (const room of rooms) {
      await room.close();
    }
  }
}

async function throughGateway(server: DevServer): Promise<BenchResult[]> {
  const context = new Context();
  const camera = new Channel("/camera", { context, encoder: RawImage });
  const api = await startApiServer({
    devices: [TEST_DEVICE],
    livekit: { url: server.url, apiKey: server.apiKey, apiSecret: server.apiSecret },
  });
  const gateway = startGateway({
    deviceToken: TEST_DEVICE.token,
    foxgloveApiUrl: api.url,
    context,
    joinRoom: sessionJoiner({ iceServers: server.iceServers }),
  });
  try {
    const viewer = await connectViewer({
      apiUrl: api.url,
      device: TEST_DEVICE.id,
      iceServers: server.iceServers,
    });
    try {
      const channel = await viewer.waitForChannel("/camera", { timeoutMs: 20_000 });
      const sub = viewer.subscribe(channel, { video: true, timeoutMs: 20_000 });
      return await measure(
        "video 1280x720@30, through gateway + viewer library",
        (message) => camera.log(message as RawImage),
        false,
        sub,
        () => {
          sub.unsubscribe();
          return Promise.resolve();
        },
        () => `${sub.dropped} dropped by the slow viewer`,
      );
    } finally {
      await viewer.close();
    }
  } finally {
    await gateway.stop();
    await api.stop();
    context.close();
  }
}

export default async function videoBench(): Promise<BenchResult[]> {
  const server = await startDevServer();
  try {
    return [...(await bareTransport(server)), ...(await throughGateway(server))];
  } finally {
    await server.stop();
  }
}
