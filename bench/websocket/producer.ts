/**
 * Calls `send` as fast as possible for `seconds`, yielding to the event loop every 32 calls so
 * sockets can drain (as a live Node program does). Returns how many were sent.
 */
export async function produce(seconds: number, send: () => void): Promise<number> {
  const end = performance.now() + seconds * 1000;
  let n = 0;
  while (performance.now() < end) {
    for (let i = 0; i < 32; i++, n++) send();
    await new Promise((resolve) => setImmediate(resolve));
  }
  return n;
}

/** Resolves when the parent closes our stdin. */
export function waitForStdinEnd(): Promise<void> {
  return new Promise((resolve) => {
    process.stdin.resume();
    process.stdin.once("end", () => resolve());
    process.stdin.once("close", () => resolve());
  });
}
