/** Where rtc-node keeps its FFI client once the native layer was initialized. */
const ffiGlobal = globalThis as { _ffiClientInstance?: unknown };

/**
 * Closes every open LiveKit room and releases LiveKit's native layer so the process can exit
 * (see the adapter's `shutdownLiveKit` in native.ts). This entry point loads the adapter only when
 * the native layer is in use: a device that never joined a room does not pay for rtc-node (about
 * 30 MiB of RSS) just by importing the gateway. Safe to call more than once; never rejects.
 */
export async function shutdownLiveKit(): Promise<void> {
  if (ffiGlobal._ffiClientInstance === undefined) {
    return; // no FFI client: no room is open and nothing native is held
  }
  const native = await import("./native.js");
  await native.shutdownLiveKit();
}
