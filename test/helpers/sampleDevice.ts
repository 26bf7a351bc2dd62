import { startApiServer, TEST_DEVICE, type ApiServer } from "../../src/api-server/index.js";
import { startChild, type RunningChild } from "./childProcess.js";
import { MAIN_TS } from "./cli.js";
import { startLiveKitServer, type TestLiveKitServer } from "./livekitServer.js";

/** A real stack around the sample device, as a user runs it. */
export interface SampleDevice {
  readonly livekit: TestLiveKitServer;
  /** The device API server, with the test device. */
  readonly api: ApiServer;
  /** `foxglove-remote device`, a child process, connected to the API server. */
  readonly device: RunningChild;
  /** Stops the device (Ctrl-C, if it still runs), the API server and livekit-server. */
  close(): Promise<void>;
}

/**
 * Starts livekit-server (logs named after `label`), the device API server and the sample device
 * (`foxglove-remote device` with the test device's token), and waits until the device watches.
 */
export async function startSampleDevice(label: string): Promise<SampleDevice> {
  const livekit = await startLiveKitServer(label);
  const api = await startApiServer({
    devices: [TEST_DEVICE],
    livekit: { url: livekit.url, apiKey: livekit.apiKey, apiSecret: livekit.apiSecret },
  });
  const device = startChild(
    process.execPath,
    ["--import", "tsx", MAIN_TS, "device", "--api-url", api.url],
    { env: { ...process.env, FOXGLOVE_DEVICE_TOKEN: TEST_DEVICE.token } },
  );
  await device.waitForOutput(/connected to/);
  return {
    livekit,
    api,
    device,
    async close() {
      if (device.proc.exitCode === null && device.proc.signalCode === null) {
        device.proc.kill("SIGINT");
        await device.exit(10_000).catch(() => undefined);
      }
      await api.stop();
      await livekit.stop();
    },
  };
}
