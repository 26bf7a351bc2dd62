import type { Reliability } from "./QosProfile.js";

/**
 * Where a message logged on an advertised channel goes on the data plane:
 * `none` (no data subscriber, or consumed by a point-cloud publisher), `reliable` (MessageData on
 * each data subscriber's control stream) or `lossy` (the channel's data track). A copy also goes
 * to the video publisher when one exists, independently of this route.
 */
export type DataPlaneRoute = "none" | "reliable" | "lossy";

/**
 * Routing of `Sink.log` (pure, allocation-free): a point-cloud publisher swallows the raw message
 * (only the compressed one is delivered); otherwise data subscribers receive it per the QoS.
 */
export function routeLoggedMessage(
  reliability: Reliability,
  dataSubscribers: number,
  hasPointCloudPublisher = false,
): DataPlaneRoute {
  if (hasPointCloudPublisher || dataSubscribers === 0) {
    return "none";
  }
  return reliability;
}
