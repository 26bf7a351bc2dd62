import type { GatewayOptions } from "./GatewayOptions.js";
import { resolveGatewayConfig } from "./gatewayConfig.js";
import { RemoteAccessGateway } from "./RemoteAccessGateway.js";
import { resolveSessionOptions } from "./session/resolveSessionOptions.js";
import type { Session } from "./session/Session.js";
import { serverCapabilities } from "./session/serverCapabilities.js";
import { sessionJoiner } from "./sessionJoiner.js";

/**
 * Starts a remote access gateway for this device: validates the configuration, then connects
 * in the background (no network call happens before this returns). When woken, it serves the
 * options' Context to viewers through the SDK's session (unless `joinRoom` replaces it).
 *
 * @throws FoxgloveError `ERR_CONFIGURATION` when no device token is configured (option
 * `deviceToken` or env `FOXGLOVE_DEVICE_TOKEN`), the API URL is not http(s), a timeout is not
 * positive, `messageBacklogSize` < 1, `maxDataTrackMessageSize` < 1200, `maxViewerFrameSize` outside 1024…16 MiB, or the `assets`
 * capability is requested (asset handlers are not supported yet).
 */
export function startGateway(options: GatewayOptions = {}): RemoteAccessGateway {
  const config = resolveGatewayConfig(options, process.env);
  let current: Session | undefined;
  let joinRoom = options.joinRoom;
  if (joinRoom === undefined) {
    resolveSessionOptions(options);
    serverCapabilities(options.capabilities ?? []);
    joinRoom = sessionJoiner({
      context: options.context,
      capabilities: options.capabilities,
      supportedEncodings: options.supportedEncodings,
      serverInfoMetadata: options.serverInfo,
      listener: options.listener,
      channelFilter: options.channelFilter,
      qosClassifier: options.qosClassifier,
      messageBacklogSize: options.messageBacklogSize,
      maxDataTrackMessageSize: options.maxDataTrackMessageSize,
      maxViewerFrameSize: options.maxViewerFrameSize,
      maxControlStreamsPerViewer: options.maxControlStreamsPerViewer,
      iceServers: options.iceServers,
      onSession(session) {
        current = session;
        void session.done.then(() => {
          if (current === session) {
            current = undefined;
          }
        });
      },
    });
  }
  return new RemoteAccessGateway({
    config,
    joinRoom,
    listener: options.listener,
    clock: options.clock,
    signal: options.signal,
    session: () => current,
  });
}
