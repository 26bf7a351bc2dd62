import type { EndedLease, HeartbeatVerdict } from "./LeaseTable.js";
import type { RequestRecord } from "./RequestRecord.js";
import type { WatchQuery } from "./WatchStream.js";

/** A wake the server sent (the device token itself is never included). */
export interface WakeInfo {
  readonly deviceId: string;
  /** The LiveKit room the device was told to join. */
  readonly room: string;
  readonly remoteAccessSessionId: string;
  /** The LiveKit URL sent in the wake. */
  readonly url: string;
}

/** Events of the API server, for tests and monitoring. */
export interface ApiServerEvents {
  /** A request was answered (for the watch: its headers were sent or it was refused). */
  request: RequestRecord;
  /** A `hello` was sent: the device is dormant and can be woken. */
  watchOpened: { readonly deviceId: string; readonly leaseId: string; readonly query: WatchQuery };
  /** A watch stream closed, from either side. `leaseId` is undefined if it got no lease. */
  watchClosed: { readonly deviceId: string; readonly leaseId: string | undefined };
  /** A lease stopped being active. */
  leaseEnded: EndedLease;
  /** A heartbeat was answered (200 `ok`, 409 `conflict`, 410 `gone`). */
  heartbeat: {
    readonly deviceId: string;
    readonly leaseId: string;
    readonly verdict: HeartbeatVerdict;
  };
  /** A viewer request is waiting for an offline device to start watching. */
  viewerWaiting: { readonly deviceId: string; readonly viewerIdentity: string };
  /** A `wake` was written to a device's watch stream. */
  wake: WakeInfo;
}
