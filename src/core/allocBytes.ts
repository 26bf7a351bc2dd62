/**
 * Small-buffer allocation from shared slabs, as Node's Buffer pool does: creating a typed array
 * over 64 bytes costs a native backing-store allocation (about 1 µs), a view on a slab does not.
 * A slab region is never handed out twice, so a returned array may be kept indefinitely (it keeps
 * its slab alive).
 */
const SLAB_SIZE = 64 * 1024;
/** Larger requests get their own array. */
const MAX_POOLED = 4 * 1024;

let slab = new Uint8Array(SLAB_SIZE);
let offset = 0;

/**
 * Returns a zeroed region of `capacity` bytes to write into. {@link commitBytes} must follow,
 * before any other allocation, with the length actually written; nothing may be written past it.
 */
export function reserveBytes(capacity: number): Uint8Array {
  if (capacity > MAX_POOLED) {
    return new Uint8Array(capacity);
  }
  if (offset + capacity > SLAB_SIZE) {
    slab = new Uint8Array(SLAB_SIZE);
    offset = 0;
  }
  return slab.subarray(offset, offset + capacity);
}

/** Finishes a {@link reserveBytes}: keeps `length` bytes of `region` and returns them. */
export function commitBytes(region: Uint8Array, length: number): Uint8Array {
  if (region.buffer === slab.buffer) {
    offset += (length + 7) & ~7; // keep 8-byte alignment
  }
  return length === region.length ? region : region.subarray(0, length);
}

/** A new array of `length` bytes, from a shared slab when small. Contents are zero. */
export function allocBytes(length: number): Uint8Array {
  return commitBytes(reserveBytes(length), length);
}
