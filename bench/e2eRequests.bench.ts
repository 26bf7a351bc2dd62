// End to end through a local livekit-server, the API server and a woken gateway: round-trip times
// of viewer requests answered by the device, from a protocol viewer (a raw LiveKit participant):
// a service call (`/echo`) and a parameter set (with a parameter handler), one at a time.
import { startApiServer, TEST_DEVICE } from "../src/api-server/index.js";
import { Context } from "../src/core/Context.js";
import { setLogger } from "../src/core/logger.js";
import { startGateway } from "../src/gateway/startGateway.js";
import { shutdownLiveKit, startDevServer } from "../src/livekit/index.js";
import type { Parameter } from "../src/protocol/index.js";
import { TestViewer } from "../test/helpers/TestViewer.js";
import { percentile, type BenchResult } from "./harness.js";

const CALLS = 300;
const WARM_UP = 20;
const WAIT = 20_000;

/** p50 and p99 of `samples` (ms) as bench rows named `name`. */
function rows(name: string, samples: number[], detail: string): BenchResult[] {
  return [
    { name: `${name} p50`, value: percentile(samples, 50), unit: "ms", detail },
    { name: `${name} p99`, value: percentile(samples, 99), unit: "ms", detail },
  ];
}

export default async function bench(): Promise<BenchResult[]> {
  setLogger(undefined);
  const livekit = await startDevServer({ onProgress: () => {} });
  const api = await startApiServer({
    devices: [TEST_DEVICE],
    livekit: { url: livekit.url, apiKey: livekit.apiKey, apiSecret: livekit.apiSecret },
  });
  const context = new Context();
  const parameters = new Map<string, Parameter>();
  const gateway = startGateway({
    deviceToken: TEST_DEVICE.token,
    foxgloveApiUrl: api.url,
    context,
    iceServers: livekit.iceServers,
    services: [
      {
        name: "/echo",
        request: {
          encoding: "json",
          schema: { name: "Echo", encoding: "jsonschema", data: new TextEncoder().encode("{}") },
        },
        handler: (r) => r.payload,
      },
    ],
    parameterHandler: {
      getParameters: (names) => names.flatMap((n) => parameters.get(n) ?? []),
      setParameters: (values) => {
        for (const p of values) parameters.set(p.name, p);
        return values;
      },
    },
  });
  let viewer: TestViewer | undefined;
  try {
    viewer = await TestViewer.viaApiServer(
      api.url,
      TEST_DEVICE.id,
      "bench-requests",
      livekit.iceServers,
    );
    const v = viewer;
    const services = await v.waitFor("advertiseServices", () => true, WAIT);
    const echo = services.services.find((s) => s.name === "/echo")!.id;
    const payload = new TextEncoder().encode('{"x":1}');
    const callMs: number[] = [];
    for (let i = 0; i < WARM_UP + CALLS; i++) {
      const start = performance.now();
      await v.send({
        op: "serviceCallRequest",
        serviceId: echo,
        callId: i,
        encoding: "json",
        data: payload,
      });
      await v.waitFor("serviceCallResponse", (m) => m.callId === i, WAIT);
      if (i >= WARM_UP) callMs.push(performance.now() - start);
    }
    const setMs: number[] = [];
    for (let i = 0; i < WARM_UP + CALLS; i++) {
      const id = `set-${i}`;
      const start = performance.now();
      await v.send({ op: "setParameters", parameters: [{ name: "speed", value: i }], id });
      await v.waitFor("parameterValues", (m) => m.id === id, WAIT);
      if (i >= WARM_UP) setMs.push(performance.now() - start);
    }
    const detail = `${CALLS} sequential requests after ${WARM_UP} warm-up, 7-byte JSON`;
    return [
      ...rows("service call round trip", callMs, detail),
      ...rows("parameter set round trip", setMs, detail),
    ];
  } finally {
    await viewer?.close();
    await gateway.stop();
    await api.stop();
    context.close();
    await livekit.stop();
    await shutdownLiveKit();
  }
}
