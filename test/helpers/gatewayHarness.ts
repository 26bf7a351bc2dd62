import {
  startApiServer,
  TEST_DEVICE,
  type ApiServer,
  type ApiServerOptions,
} from "../../src/api-server/index.js";
import type { RequestRecord } from "../../src/api-server/index.js";
import type { ConnectionStatus } from "../../src/gateway/ConnectionStatus.js";
import type { GatewayOptions } from "../../src/gateway/GatewayOptions.js";
import type { RemoteAccessGateway } from "../../src/gateway/RemoteAccessGateway.js";
import { startGateway } from "../../src/gateway/startGateway.js";
import type { GatewayTimings } from "../../src/gateway/timings.js";

/** Protocol timings scaled down so the real logic runs fast (ms). */
export const FAST_TIMINGS: Partial<GatewayTimings> = {
  initialBackoffMs: 40,
  maxBackoffMs: 320,
  leaseConflictBackoffMs: 300,
  nonSseBackoffMs: 200,
  helloTimeoutMs: 400,
  minHeartbeatIntervalMs: 10,
  minDeviceWaitForViewerMs: 10,
  roomCloseTimeoutMs: 2000,
};

/** A real API server and a gateway pointed at it, with everything they do recorded. */
export interface GatewayHarness extends AsyncDisposable {
  readonly server: ApiServer;
  readonly gateway: RemoteAccessGateway;
  /** Every status the listener reported, in order. */
  readonly statuses: ConnectionStatus[];
  /** Watch requests seen by the server so far. */
  watches(): RequestRecord[];
  /** Heartbeat requests seen by the server so far. */
  heartbeats(): RequestRecord[];
  /** Resolves once `check` is true, re-checked on every server event and status change. */
  until(what: string, check: () => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/** Starts the API server (TEST_DEVICE, 100 ms heartbeats, 300 s viewer wait) and a gateway with FAST_TIMINGS. */
export async function startGatewayHarness(
  options: { server?: ApiServerOptions; gateway?: Partial<GatewayOptions> } = {},
): Promise<GatewayHarness> {
  const server = await startApiServer({
    devices: [TEST_DEVICE],
    heartbeatIntervalMs: 100,
    ...options.server,
  });
  const statuses: ConnectionStatus[] = [];
  const checks = new Set<() => void>();
  const poke = () => checks.forEach((c) => c());
  const offs = (
    ["request", "watchOpened", "watchClosed", "heartbeat", "wake", "leaseEnded"] as const
  ).map((e) => server.on(e, poke));
  const gateway = startGateway({
    deviceToken: TEST_DEVICE.token,
    foxgloveApiUrl: server.url,
    timings: FAST_TIMINGS,
    ...options.gateway,
    listener: {
      ...options.gateway?.listener,
      onConnectionStatusChanged(status) {
        statuses.push(status);
        options.gateway?.listener?.onConnectionStatusChanged?.(status);
        poke();
      },
    },
  });
  const byEndpoint = (e: string) => server.requests.filter((r) => r.endpoint === e);
  const h: GatewayHarness = {
    server,
    gateway,
    statuses,
    watches: () => byEndpoint("watch"),
    heartbeats: () => byEndpoint("heartbeat"),
    until(what, check, timeoutMs = 5000) {
      return new Promise((resolve, reject) => {
        const done = () => {
          clearTimeout(timer);
          checks.delete(run);
        };
        const run = () => {
          try {
            if (check()) {
              done();
              resolve();
            }
          } catch (e) {
            done();
            reject(e instanceof Error ? e : new Error(String(e)));
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`timed out waiting for: ${what} (statuses ${statuses.join(",")})`));
        }, timeoutMs);
        checks.add(run);
        run();
      });
    },
    async close() {
      await gateway.stop();
      offs.forEach((off) => off());
      await server.stop();
    },
    async [Symbol.asyncDispose]() {
      await h.close();
    },
  };
  return h;
}

/** Milliseconds between two request records (server clock). */
export function gapMs(a: RequestRecord, b: RequestRecord): number {
  return Number(b.timeNs - a.timeNs) / 1e6;
}
