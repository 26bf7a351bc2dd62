import { startApiServer, TEST_DEVICE, type ApiServer } from "../../src/api-server/index.js";
import { Context } from "../../src/core/Context.js";
import type { RemoteAccessGateway } from "../../src/gateway/RemoteAccessGateway.js";
import type { Session } from "../../src/gateway/session/Session.js";
import type { GatewayOptions } from "../../src/gateway/GatewayOptions.js";
import { sessionJoiner } from "../../src/gateway/sessionJoiner.js";
import { startGateway } from "../../src/gateway/startGateway.js";
import { connectViewer, type Viewer, type ViewerConnectOptions } from "../../src/viewer/index.js";
import type { TestLiveKitServer } from "./livekitServer.js";

/** A device reachable through the real API server: gateway + session over its own Context. */
export interface DeviceStack extends AsyncDisposable {
  readonly api: ApiServer;
  readonly gateway: RemoteAccessGateway;
  readonly context: Context;
  /** The session of the current room, once the device was woken. */
  readonly session: Session | undefined;
  /** Connects a viewer through the API server's viewer endpoint (waking the device). */
  connect(
    options?: ViewerConnectOptions & { identity?: string; protocolVersion?: string },
  ): Promise<Viewer>;
  close(): Promise<void>;
}

/**
 * Starts the API server (pointing at `livekit`) and a gateway for the test device whose session
 * serves a fresh Context. Viewers created with `connect` are closed with the stack.
 */
export async function startDeviceStack(
  livekit: TestLiveKitServer,
  options: Omit<GatewayOptions, "context" | "iceServers" | "joinRoom" | "deviceToken"> = {},
): Promise<DeviceStack> {
  const context = new Context();
  const api = await startApiServer({
    devices: [TEST_DEVICE],
    livekit: { url: livekit.url, apiKey: livekit.apiKey, apiSecret: livekit.apiSecret },
  });
  let session: Session | undefined;
  const gateway = startGateway({
    deviceToken: TEST_DEVICE.token,
    foxgloveApiUrl: api.url,
    ...options,
    context,
    joinRoom: sessionJoiner({
      ...options, // the session's limits
      iceServers: livekit.iceServers,
      onSession: (s) => (session = s),
    }),
  });
  const viewers: Viewer[] = [];
  const close = async () => {
    await Promise.all(viewers.map((v) => v.close()));
    await gateway.stop();
    await api.stop();
    context.close();
  };
  return {
    api,
    gateway,
    context,
    get session() {
      return session;
    },
    async connect(viewerOptions = {}) {
      const viewer = await connectViewer({
        apiUrl: api.url,
        device: TEST_DEVICE.id,
        iceServers: livekit.iceServers,
        ...viewerOptions,
      });
      viewers.push(viewer);
      return viewer;
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}
