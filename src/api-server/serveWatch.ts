import type { ServerResponse } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { ApiProblem } from "./ApiProblem.js";
import type { DeviceHub } from "./DeviceHub.js";
import type { Fault } from "./Fault.js";
import { WatchStream } from "./WatchStream.js";
import type { WatchQuery } from "./WatchStream.js";

/** What {@link serveWatch} needs from the server for one authenticated watch request. */
export interface WatchRequest {
  readonly res: ServerResponse;
  readonly params: URLSearchParams;
  readonly deviceId: string;
  /** The fault injected into this request, if any. */
  readonly fault: Fault | undefined;
  readonly hub: DeviceHub;
  readonly keepAliveMs: number;
  /** Streams that hold no lease (faults before `hello`), closed when the server stops. */
  readonly strays: Set<WatchStream>;
  /** Called once the 200 SSE headers are sent. */
  readonly onHeaders: () => void;
  /** Aborted when the client leaves or the server stops. */
  readonly signal: AbortSignal;
}

/** The largest accepted watch query value, in characters. */
const MAX_QUERY_VALUE = 256;

function queryValue(params: URLSearchParams, name: string): string | undefined {
  const value = params.get(name) ?? undefined;
  if (value !== undefined && value.length > MAX_QUERY_VALUE) {
    throw new ApiProblem(400, "bad_request", `query parameter ${name} is too long`);
  }
  return value === "" ? undefined : value;
}

/**
 * Serves one watch request: takes the device's lease (or answers 409), sends SSE headers, keeps
 * the stream alive and sends `hello`, applying the watch faults (withheld, delayed, malformed
 * `hello`, EOF before `hello`, stall or drop after it). The stream then stays with the hub,
 * which sends the wake.
 *
 * @throws ApiProblem 400 for an over-long query value, 409 `lease_conflict`.
 */
export async function serveWatch(request: WatchRequest): Promise<void> {
  const { res, params, deviceId, fault, hub, signal } = request;
  const query: WatchQuery = {
    protocolVersion: queryValue(params, "protocolVersion"),
    remoteAccessSessionId: queryValue(params, "remoteAccessSessionId"),
    previousWatchLeaseId: queryValue(params, "previousWatchLeaseId"),
  };
  const stream = new WatchStream(res, deviceId, query, request.keepAliveMs);
  if (fault?.kind === "withholdHello" || fault?.kind === "eofBeforeHello") {
    request.strays.add(stream);
    res.once("close", () => request.strays.delete(stream));
    stream.open();
    request.onHeaders();
    if (fault.kind === "eofBeforeHello") {
      stream.end();
    } else if (fault.keepAlive ?? true) {
      stream.startKeepAlive();
    }
    return;
  }
  const lease = hub.acquireLease(deviceId, query.previousWatchLeaseId);
  stream.leaseId = lease.id;
  stream.open();
  request.onHeaders();
  hub.attach(stream);
  res.once("close", () => hub.detach(stream));
  if (fault?.kind !== "stallAfterHello") {
    stream.startKeepAlive();
  }
  if (fault?.kind === "delayHello") {
    await sleep(fault.ms, undefined, { signal });
  }
  hub.sendHello(stream, lease, fault?.kind === "malformedHello");
  if (fault?.kind === "dropAfterHello") {
    if ((fault.afterMs ?? 0) > 0) {
      await sleep(fault.afterMs, undefined, { signal });
    }
    if (fault.mode === "reset") {
      stream.reset();
    } else {
      stream.end();
    }
  }
}
