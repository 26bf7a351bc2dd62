import type { GatewayOptions } from "./GatewayOptions.js";
import { resolveGatewayConfig } from "./gatewayConfig.js";
import { joinLiveKitRoom } from "./liveKitRoomJoiner.js";
import { RemoteAccessGateway } from "./RemoteAccessGateway.js";

/**
 * Starts a remote access gateway for this device: validates the configuration, then connects
 * in the background (no network call happens before this returns).
 *
 * @throws FoxgloveError `ERR_CONFIGURATION` when no device token is configured (option
 * `deviceToken` or env `FOXGLOVE_DEVICE_TOKEN`), the API URL is not http(s), or a timeout is not
 * positive.
 */
export function startGateway(options: GatewayOptions = {}): RemoteAccessGateway {
  const config = resolveGatewayConfig(options, process.env);
  return new RemoteAccessGateway({
    config,
    joinRoom: options.joinRoom ?? joinLiveKitRoom,
    listener: options.listener,
    clock: options.clock,
    signal: options.signal,
  });
}
