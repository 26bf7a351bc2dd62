/**
 * A plain `Uint8Array` view of `bytes[start, end)` sharing its memory. Unlike `subarray`, the
 * result is never a subclass (a Node `Buffer` input yields a `Uint8Array`), as the public types
 * promise.
 */
export function byteView(bytes: Uint8Array, start: number, end: number = bytes.length): Uint8Array {
  return new Uint8Array(bytes.buffer, bytes.byteOffset + start, end - start);
}
