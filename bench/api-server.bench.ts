// Latencies of the device API server over loopback HTTP: heartbeat round trip, watch to hello,
// viewer connect with wake, and LiveKit token minting.
import {
  HEARTBEAT_PATH,
  mintLiveKitToken,
  startApiServer,
  TEST_DEVICE,
  VIEWER_CONNECT_PATH,
  WATCH_PATH,
} from "../src/api-server/index.js";
import { SseTestClient } from "../test/helpers/sseTestClient.js";
import { median, percentile } from "./harness.js";
import type { BenchResult } from "./harness.js";

const AUTH = { Authorization: `DeviceToken ${TEST_DEVICE.token}` };

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

export default async function bench(): Promise<BenchResult[]> {
  await using server = await startApiServer({ devices: [TEST_DEVICE] });
  const results: BenchResult[] = [];

  const helloMs: number[] = [];
  let lease = "";
  for (let i = 0; i < 30; i++) {
    let client: SseTestClient | undefined;
    helloMs.push(
      await timed(async () => {
        client = await SseTestClient.open(server.url + WATCH_PATH, AUTH);
        lease = (await client.expectEvent("hello")).watchLeaseId as string;
      }),
    );
    if (i < 29) {
      client?.close();
      server.endLease(TEST_DEVICE.id);
    }
  }
  results.push({
    name: "watch request to hello",
    value: median(helloMs),
    unit: "ms",
    detail: `p99 ${percentile(helloMs, 99).toFixed(2)} ms, n=${helloMs.length}`,
  });

  const beatMs: number[] = [];
  for (let i = 0; i < 300; i++) {
    beatMs.push(
      await timed(async () => {
        const res = await fetch(server.url + HEARTBEAT_PATH, {
          method: "POST",
          headers: { ...AUTH, "Content-Type": "application/json" },
          body: JSON.stringify({ watchLeaseId: lease }),
        });
        await res.arrayBuffer();
      }),
    );
  }
  results.push({
    name: "heartbeat round trip (fetch, keep-alive)",
    value: median(beatMs.slice(20)),
    unit: "ms",
    detail: `p99 ${percentile(beatMs.slice(20), 99).toFixed(2)} ms, n=${beatMs.length - 20}`,
  });

  const wakeMs: number[] = [];
  for (let i = 0; i < 30; i++) {
    server.endLease(TEST_DEVICE.id);
    const device = await SseTestClient.open(server.url + WATCH_PATH, AUTH);
    await device.expectEvent("hello");
    wakeMs.push(
      await timed(async () => {
        const res = await fetch(server.url + VIEWER_CONNECT_PATH, {
          method: "POST",
          body: JSON.stringify({ device: TEST_DEVICE.id }),
        });
        await res.json();
        await device.expectEvent("wake");
      }),
    );
    device.close();
  }
  results.push({
    name: "viewer connect incl. wake (2 tokens minted)",
    value: median(wakeMs),
    unit: "ms",
    detail: `p99 ${percentile(wakeMs, 99).toFixed(2)} ms, n=${wakeMs.length}`,
  });

  const n = 2000;
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    await mintLiveKitToken({ apiKey: "devkey", apiSecret: "secret", identity: "v", room: "r" });
  }
  results.push({
    name: "mintLiveKitToken",
    value: Number(process.hrtime.bigint() - start) / n / 1000,
    unit: "us/token",
    detail: `n=${n}`,
  });
  return results;
}
