import type { FetchAsset, FetchAssetResponse } from "../protocol/index.js";
import type { ViewerClient } from "./ViewerListener.js";
import { runViewerRequest, type HubViewer } from "./ViewerRequest.js";

/** What an {@link AssetHandler} learns about a request. */
export interface AssetRequestContext {
  /** The viewer that asked. */
  readonly client: ViewerClient;
  /** Aborted when the viewer leaves or the request times out. */
  readonly signal: AbortSignal;
}

/**
 * Returns the bytes of an asset (a mesh, a URDF ...) by URI, e.g. `package://robot/meshes/base.stl`,
 * synchronously or asynchronously. A thrown error (or rejection), such as "not found", is sent to
 * the viewer as the fetch's error with its message.
 */
export type AssetHandler = (
  uri: string,
  context: AssetRequestContext,
) => Uint8Array | PromiseLike<Uint8Array>;

/**
 * Handles a `fetchAsset` (spec session 9.6; capability already checked): per-viewer limit, the
 * handler with a timeout, exactly one `fetchAssetResponse`.
 */
export function fetchAsset(
  viewer: HubViewer,
  message: FetchAsset,
  handler: AssetHandler | undefined,
  timeoutMs: number,
  isConnected: () => boolean,
): Promise<void> {
  const { requestId } = message;
  const error = (text: string): FetchAssetResponse => ({
    op: "fetchAssetResponse",
    requestId,
    status: "error",
    error: text,
  });
  const permit = viewer.assetFetches.tryAcquire();
  if (permit === undefined) {
    viewer.connection.send(error("Too many concurrent fetch asset requests"));
    return Promise.resolve();
  }
  return runViewerRequest({
    connection: viewer.connection,
    viewerSignal: viewer.signal,
    permit,
    timeoutMs,
    timeoutMessage: `Asset handler did not respond within ${timeoutMs / 1000} s`,
    isConnected,
    run: (signal) => {
      if (handler === undefined) {
        throw new Error("Internal server error: no asset handler");
      }
      return handler(message.uri, { client: viewer.client, signal });
    },
    reply: (data) => {
      if (!(data instanceof Uint8Array)) {
        throw new Error("Internal server error: asset handler failed to send a response");
      }
      return { op: "fetchAssetResponse", requestId, status: "success", data };
    },
    fail: error,
  });
}
