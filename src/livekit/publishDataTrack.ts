import {
  PublishDataTrackErrorCode,
  type PublishDataTrackCallback,
  type PublishDataTrackResponse,
} from "@livekit/rtc-ffi-bindings";
import { FoxgloveError } from "../core/FoxgloveError.js";
import { DataTrackPublishError } from "./DataTrackPublishError.js";
import { LocalDataTrack, type DataTrackPacing } from "./LocalDataTrack.js";
import { ffiClient, waitForCallback } from "./native.js";

/**
 * Publishes a data track through the FFI (rtc-node 1.1.0 has no API for it). Rejects with
 * {@link DataTrackPublishError} when LiveKit refuses and ERR_ABORTED when `signal` aborts first.
 * `pacing` configures the track's paced sender (defaults of {@link DataTrackPacing}).
 */
export async function publishDataTrack(
  localParticipantHandle: bigint,
  name: string,
  signal: AbortSignal,
  pacing?: DataTrackPacing,
): Promise<LocalDataTrack> {
  if (typeof name !== "string" || name === "") {
    throw new FoxgloveError("ERR_VALUE", "a data track needs a non-empty name");
  }
  const res = ffiClient().request<PublishDataTrackResponse>({
    message: { case: "publishDataTrack", value: { localParticipantHandle, options: { name } } },
  });
  if (res.asyncId === undefined) {
    throw new FoxgloveError("ERR_LIVEKIT", `publishing data track "${name}" failed`);
  }
  const cb = await waitForCallback<PublishDataTrackCallback>(
    "publishDataTrack",
    res.asyncId,
    signal,
  );
  if (cb.result.case === "track") {
    return new LocalDataTrack(cb.result.value, pacing);
  }
  const code = cb.result.value?.code;
  throw new DataTrackPublishError(
    name,
    code === undefined ? "UNKNOWN" : (PublishDataTrackErrorCode[code] ?? "UNKNOWN"),
    cb.result.value?.message ?? "",
  );
}
