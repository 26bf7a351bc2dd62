import { log } from "../core/logger.js";

/**
 * rtc-node processes FFI events in an async function whose rejections (a throwing event listener,
 * or its own TypeErrors on unexpected peer events) would be unhandled and crash Node. Wrap it
 * before connect() registers it.
 */
export function guardRoomEvents(room: object): void {
  const r = room as unknown as { onFfiEvent?: (ev: unknown) => Promise<void> };
  const original = r.onFfiEvent;
  if (typeof original !== "function") {
    log.warn("livekit: cannot guard room event processing (rtc-node changed)");
    return;
  }
  r.onFfiEvent = (ev: unknown) =>
    original
      .call(room, ev)
      .catch((error: unknown) => log.error("livekit room event failed:", error));
}
