// Cost of the gateway session's data plane in Sink.log: routing a logged message to Reliable
// viewers (MessageData framed once, queued per viewer) or to a Lossy data track (size check,
// sequence, 8-byte frame header, try-push). LiveKit itself is not involved.
import { Context } from "../src/core/Context.js";
import { setLogger } from "../src/core/logger.js";
import { RawChannel } from "../src/core/RawChannel.js";
import {
  LossyDataTracks,
  type PublishedDataTrack,
} from "../src/gateway/session/LossyDataTracks.js";
import { Participant, sharedFrameEncoder } from "../src/gateway/session/Participant.js";
import { PendingResets } from "../src/gateway/session/PendingResets.js";
import { NO_MEDIA } from "../src/remote/ViewerMedia.js";
import { ViewerHub } from "../src/remote/ViewerHub.js";
import { median, type BenchResult } from "./harness.js";

const BURST = 1000; // messages logged back to back; fits the default 1024-message viewer queue
const REPEATS = 25;

/** Median ns per message over bursts of `BURST` logs, letting the queues drain in between. */
async function perMessage(log: () => void): Promise<number> {
  const samples: number[] = [];
  for (let r = 0; r < REPEATS + 3; r++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < BURST; i++) {
      log();
    }
    const ns = Number(process.hrtime.bigint() - start) / BURST;
    if (r >= 3) {
      samples.push(ns); // the first bursts are warm-up
    }
    await new Promise<void>((resolve) => setImmediate(resolve)); // flush tasks drain
  }
  return median(samples);
}

async function reliable(viewers: number, size: number): Promise<number> {
  const context = new Context();
  const core = new ViewerHub({ context, qosClassifier: () => ({ reliability: "reliable" }) });
  core.open({ serverName: "bench" });
  const encode = sharedFrameEncoder();
  const channel = new RawChannel("/bench", { context, messageEncoding: "json" });
  const resets = new PendingResets();
  for (let i = 0; i < viewers; i++) {
    const p = new Participant({
      identity: `v${i}`,
      sid: `PA_${i}`,
      joinedAt: 1,
      pendingResets: resets,
      encode,
    });
    void p.startFlush(() => Promise.resolve());
    core.connect(p);
    core.handleMessage(p, { op: "subscribe", channels: [{ id: channel.id }] });
  }
  const data = new Uint8Array(size);
  const ns = await perMessage(() => channel.log(data, { logTime: 1n }));
  if (resets.size > 0) {
    throw new Error("bench overflowed a viewer queue");
  }
  core.close();
  return ns;
}

async function lossy(size: number): Promise<number> {
  const context = new Context();
  const session = new AbortController();
  let pushed = 0;
  const track: PublishedDataTrack = {
    tryPush: () => {
      pushed++;
      return true;
    },
    unpublish: () => Promise.resolve(),
  };
  const tracks = new LossyDataTracks({
    publish: () => Promise.resolve(track),
    signal: session.signal,
  });
  const core = new ViewerHub({ context });
  core.open({
    serverName: "bench",
    media: {
      ...NO_MEDIA,
      openLossy: (id) => tracks.open(id),
      closeLossy: (id) => tracks.close(id),
      pushLossy: (id, d, t) => tracks.push(id, d, t),
    },
  });
  const channel = new RawChannel("/bench", { context, messageEncoding: "json" });
  await new Promise<void>((r) => setImmediate(r)); // let the track "publish"
  const p = new Participant({
    identity: "v",
    sid: "PA",
    joinedAt: 1,
    pendingResets: new PendingResets(),
  });
  core.connect(p);
  core.handleMessage(p, { op: "subscribe", channels: [{ id: channel.id }] });
  const data = new Uint8Array(size);
  const ns = await perMessage(() => channel.log(data, { logTime: 1n }));
  if (pushed === 0) {
    throw new Error("nothing reached the data track");
  }
  core.close();
  session.abort();
  await tracks.closeAll();
  return ns;
}

export default async function sessionBench(): Promise<BenchResult[]> {
  setLogger(undefined);
  const results: BenchResult[] = [];
  for (const [viewers, size] of [
    [1, 64],
    [10, 64],
    [1, 16 * 1024],
  ] as const) {
    results.push({
      name: `session log() reliable, ${viewers} viewer(s), ${size} B`,
      value: await reliable(viewers, size),
      unit: "ns/msg",
      detail: "MessageData framed once, queued per viewer",
    });
  }
  for (const size of [64, 16 * 1024]) {
    results.push({
      name: `session log() lossy data track, ${size} B`,
      value: await lossy(size),
      unit: "ns/msg",
      detail: "size check, sequence, 8-byte header, tryPush",
    });
  }
  return results;
}
