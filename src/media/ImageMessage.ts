import { FoxgloveError } from "../core/FoxgloveError.js";
import type { RawImageInput } from "./rawImageToI420.js";

/** The image fields of one logged image message (session spec §7.2). */
export type ImageMessage = {
  /** The image's own timestamp in ns since the epoch, when the message carries one. */
  readonly timestampNs: bigint | undefined;
  /** The image's frame id ("" when none). */
  readonly frameId: string;
} & (
  | { readonly kind: "raw"; readonly raw: RawImageInput }
  | { readonly kind: "compressed"; readonly format: string; readonly data: Uint8Array }
);

const NS_PER_S = 1_000_000_000n;

/** ns of (sec, nsec) after checking both are in range (sec in [0, 2^32), nsec < 1e9). */
export function stampNanos(sec: number, nsec: number): bigint {
  if (
    !Number.isInteger(sec) ||
    sec < 0 ||
    sec >= 2 ** 32 ||
    !Number.isInteger(nsec) ||
    nsec < 0 ||
    nsec >= 1e9
  ) {
    throw new FoxgloveError("ERR_DECODE", `image timestamp out of range: ${sec} s ${nsec} ns`);
  }
  return BigInt(sec) * NS_PER_S + BigInt(nsec);
}
