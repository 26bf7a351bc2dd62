/**
 * CRC-32 (the zlib / MCAP polynomial) of two byte strings put together, from the CRC of each and
 * the second's length, without reading the bytes again: lets a writer reuse a chunk's CRC for the
 * data-section CRC. Node 20's `zlib` has `crc32` but no combine.
 */

/** The CRC-32 polynomial, bit-reversed (bit 31 is x^0). */
const POLYNOMIAL = 0xedb88320;

/** `a * b` modulo the polynomial, both in the bit-reversed form. */
function multiplyModP(a: number, b: number): number {
  let product = 0;
  let factor = b;
  for (let bit = 0x80000000; bit !== 0; bit >>>= 1) {
    if ((a & bit) !== 0) {
      product ^= factor;
    }
    factor = (factor & 1) !== 0 ? (factor >>> 1) ^ POLYNOMIAL : factor >>> 1;
  }
  return product >>> 0;
}

/** x^(2^k) modulo the polynomial, for k = 0..63. */
const X_POW_2K: number[] = [0x40000000];
for (let k = 1; k < 64; k++) {
  X_POW_2K.push(multiplyModP(X_POW_2K[k - 1]!, X_POW_2K[k - 1]!));
}

/** x^(8 * bytes) modulo the polynomial: what appending `bytes` zero bytes multiplies a CRC by. */
function shiftFor(bytes: number): number {
  let power = 0x80000000; // x^0
  let k = 3; // x^(2^3) per byte
  for (let n = bytes; n > 0; n = Math.floor(n / 2), k++) {
    if (n % 2 === 1) {
      power = multiplyModP(X_POW_2K[k]!, power);
    }
  }
  return power;
}

/**
 * The CRC-32 of `A + B` given `crcA` (of A), `crcB` (of B) and B's length in bytes, as
 * `zlib.crc32(B, crcA)` would compute it.
 */
export function crc32Combine(crcA: number, crcB: number, lengthB: number): number {
  return (multiplyModP(shiftFor(lengthB), crcA) ^ crcB) >>> 0;
}
