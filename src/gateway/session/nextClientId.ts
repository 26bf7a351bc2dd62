let counter = 0;

/**
 * A new process-wide client ID for a participant instance: 1, 2, 3 … (u32; wraps back to 1 after
 * 2^32 − 1). Listener callbacks and the connection graph identify viewers by it.
 */
export function nextClientId(): number {
  counter = counter >= 0xffff_ffff ? 1 : counter + 1;
  return counter;
}
