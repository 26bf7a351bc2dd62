import { log } from "../core/logger.js";
import { ViewerHub } from "../remote/ViewerHub.js";
import type { GatewayOptions } from "./GatewayOptions.js";
import { resolveGatewayConfig } from "./gatewayConfig.js";
import { RemoteAccessGateway } from "./RemoteAccessGateway.js";
import { sessionJoiner } from "./sessionJoiner.js";

/**
 * Starts a remote access gateway for this device: validates the configuration, then connects
 * in the background (no network call happens before this returns). When woken, it serves the
 * options' Context to viewers through the SDK's session (unless `joinRoom` replaces it). The
 * gateway owns the viewer hub, so its viewer-facing methods work whether or not a room is joined.
 *
 * @throws FoxgloveError `ERR_CONFIGURATION` when no device token is configured (option
 * `deviceToken` or env `FOXGLOVE_DEVICE_TOKEN`), the API URL is not http(s), a timeout is not
 * positive, `messageBacklogSize` < 1, `maxDataTrackMessageSize` < 1200, `maxViewerFrameSize`
 * outside 1024 B…16 MiB, or the `assets` capability is requested without an asset handler.
 */
export function startGateway(options: GatewayOptions = {}): RemoteAccessGateway {
  const config = resolveGatewayConfig(options, process.env);
  if (options.foxgloveApiUrl === undefined && process.env.FOXGLOVE_API_URL === undefined) {
    log.info(
      `gateway: neither foxgloveApiUrl nor FOXGLOVE_API_URL is set; using the Foxglove cloud ` +
        `API ${config.apiUrl}`,
    );
  }
  const hub = new ViewerHub(options);
  const joinRoom = options.joinRoom ?? sessionJoiner(options);
  return new RemoteAccessGateway({
    config,
    joinRoom,
    hub,
    listener: options.listener,
    clock: options.clock,
    signal: options.signal,
  });
}
