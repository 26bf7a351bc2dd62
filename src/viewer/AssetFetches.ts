import { FoxgloveError } from "../core/FoxgloveError.js";
import { log } from "../core/logger.js";
import type { FetchAssetResponse } from "../protocol/index.js";
import type { ActionFeature, SendToDevice } from "./ActionFeature.js";
import {
  checkTimeout,
  MAX_REQUESTS_IN_FLIGHT,
  PendingRequests,
  requestErrors,
  type RequestOptions,
} from "./PendingRequests.js";

const ASSET_TIMEOUT_MS = 30_000;
/** The device's text when 32 fetches of this viewer are already in flight (spec 5.3). */
const TOO_MANY_ASSET_FETCHES = "Too many concurrent fetch asset requests";

/**
 * Asset fetches in flight (spec 3.3.11, 4.2.4): u32 request ids, at most
 * {@link MAX_REQUESTS_IN_FLIGHT}; the device's error text becomes FoxgloveError `ERR_ASSET`.
 */
export class AssetFetches implements ActionFeature {
  readonly #send: SendToDevice;
  readonly #fetches = new PendingRequests<Uint8Array, string>(
    MAX_REQUESTS_IN_FLIGHT,
    requestErrors("asset"),
  );

  constructor(send: SendToDevice) {
    this.#send = send;
  }

  /** Fetches waiting for an answer. */
  get pending(): number {
    return this.#fetches.size;
  }

  /** See `Viewer.fetchAsset`. */
  async fetch(uri: string, options: RequestOptions): Promise<Uint8Array> {
    const timeoutMs = checkTimeout(options.timeoutMs ?? ASSET_TIMEOUT_MS);
    const { answer } = this.#fetches.start(uri, { timeoutMs, signal: options.signal }, (key) =>
      this.#send({ op: "fetchAsset", requestId: key, uri }),
    );
    return await answer;
  }

  /** Applies a `FetchAssetResponse`; unmatched ones are dropped. */
  handle(message: FetchAssetResponse): void {
    const uri = this.#fetches.context(message.requestId);
    if (uri === undefined) {
      log.debug(`ignoring an asset response to request ${message.requestId}: not pending`);
    } else if (message.status === "success") {
      this.#fetches.settle(message.requestId, message.data);
    } else {
      const code = message.error === TOO_MANY_ASSET_FETCHES ? "ERR_TOO_MANY_REQUESTS" : "ERR_ASSET";
      this.#fetches.fail(
        message.requestId,
        new FoxgloveError(code, `asset ${uri}: ${message.error}`),
      );
    }
  }

  restore(): void {
    // Nothing to renew: fetches do not outlive the session.
  }

  reset(error: FoxgloveError): void {
    this.#fetches.failAll(() => error);
  }

  close(error: FoxgloveError): void {
    this.#fetches.failAll(() => error);
  }
}
