import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import {
  FfiHandle,
  livekitDispose,
  livekitFfiRequest,
  type DataTrackStreamEvent,
  type FfiEvent,
  type FfiRequest,
  type PartialMessage,
  type RoomEvent as FfiRoomEvent,
} from "@livekit/rtc-ffi-bindings";
import { FoxgloveError } from "../core/FoxgloveError.js";
import { log } from "../core/logger.js";
import {
  decodeByteStreamWriteCallback,
  decodeByteStreamWriteResponse,
  encodeByteStreamWriteRequest,
} from "./byteStreamCodec.js";
import {
  interceptNativeLogs,
  quietRtcNodeLogger,
  routeNativeLogs,
  type NativeBindings,
  type PinoLike,
} from "./nativeLogs.js";
import { isProcessIdle } from "./processIdle.js";

// The parts of rtc-node's internals this adapter relies on. rtc-node 1.1.0 does not export them,
// so they are loaded from its dist folder by path (the ESM entry re-exports this CJS build, so these
// are the very module instances rtc-node itself uses).

/** The FFI client singleton of rtc-node (`globalThis._ffiClientInstance`). */
export interface FfiClientLike {
  request<T>(req: PartialMessage<FfiRequest>): T;
  on(event: "ffi_event", listener: (ev: FfiEvent) => void): unknown;
  off(event: "ffi_event", listener: (ev: FfiEvent) => void): unknown;
}

const require = createRequire(import.meta.url);
const rtcDist = dirname(require.resolve("@livekit/rtc-node"));
const { FfiClient } = require(join(rtcDist, "ffi_client.cjs")) as {
  FfiClient: { readonly instance: FfiClientLike };
};
const { log: rtcLog } = require(join(rtcDist, "log.cjs")) as { log: PinoLike };

/** rtc-node keeps its FFI client here; deleting it makes the next use initialize a new one. */
const ffiGlobal = globalThis as { _ffiClientInstance?: unknown };

interceptNativeLogs(require("@livekit/rtc-ffi-bindings") as NativeBindings, claimWriteCallback);
quietRtcNodeLogger(rtcLog);

// ---------------------------------------------------------------------------------------------
// Event routing: one listener on the FFI client dispatches to rooms, data-track streams and
// one-shot callbacks by handle, so the cost per event does not grow with the number of users.

type RoomEventHandler = (message: FfiRoomEvent["message"]) => void;
type StreamEventHandler = (event: DataTrackStreamEvent) => void;
interface Waiter {
  resolve(value: unknown): void;
}

const roomHandlers = new Map<bigint, RoomEventHandler>();
const streamHandlers = new Map<bigint, StreamEventHandler>();
const waiters = new Map<string, Waiter>();
/** Byte-stream writes in flight, by the async id of their request. */
const writeWaiters = new Map<number, WriteDone>();
/** Byte streams being opened by stream id, and the writer handle once the FFI reported it. */
const openingStreams = new Map<string, bigint | undefined>();
let directWrites = 0;
let directWritesEnabled = true;
let hooked: FfiClientLike | undefined;

function route(ev: FfiEvent): void {
  const m = ev.message;
  if (m.case === "roomEvent") {
    const handle = m.value.roomHandle;
    const handler = handle === undefined ? undefined : roomHandlers.get(handle);
    if (handler !== undefined) {
      handler(m.value.message);
    } else if (m.value.message.case === "dataTrackPublished") {
      // Nobody owns this room (any more): release the track handle the FFI created for us.
      disposeHandle(m.value.message.value.track?.handle?.id);
    }
  } else if (m.case === "dataTrackStreamEvent") {
    const id = m.value.streamHandle;
    if (id !== undefined) {
      streamHandlers.get(id)?.(m.value);
    }
  } else if (m.case === "logs") {
    routeNativeLogs(m.value.records); // Normally intercepted before rtc-node sees them.
  } else if (m.case === "panic") {
    log.error("livekit native layer panicked:", m.value.message ?? "");
  } else if (m.case === "byteStreamOpen") {
    const writer = m.value.result.case === "writer" ? m.value.result.value : undefined;
    const streamId = writer?.info?.streamId;
    if (streamId !== undefined && openingStreams.has(streamId)) {
      openingStreams.set(streamId, writer?.handle?.id);
    }
  } else if (m.case === "publishDataTrack") {
    const key = `${m.case}:${m.value.asyncId ?? ""}`;
    const waiter = waiters.get(key);
    if (waiter !== undefined) {
      waiters.delete(key);
      waiter.resolve(m.value);
    } else if (m.value.result.case === "track") {
      disposeHandle(m.value.result.value.handle?.id); // Its publisher gave up waiting.
    }
  }
}

/** Handles a safety net for the router itself: it must never throw into the napi callback. */
function safeRoute(ev: FfiEvent): void {
  try {
    route(ev);
  } catch (error) {
    log.error("livekit event handling failed:", error);
  }
}

/** The FFI client, initialized (or re-initialized after an idle dispose) and hooked to our router. */
export function ffiClient(): FfiClientLike {
  const client = FfiClient.instance;
  if (client !== hooked) {
    hooked?.off("ffi_event", safeRoute);
    client.on("ffi_event", safeRoute);
    hooked = client;
  }
  return client;
}

/** Removes an rtc-node listener from the current FFI client (no-op for non-functions). */
export function detachFromFfi(listener: unknown): void {
  if (typeof listener === "function") {
    hooked?.off("ffi_event", listener as (ev: FfiEvent) => void);
  }
}

/** Routes room events of the room with native handle `handle` to `handler` until the returned function is called. */
export function onRoomEvents(handle: bigint, handler: RoomEventHandler): () => void {
  roomHandlers.set(handle, handler);
  return () => {
    if (roomHandlers.get(handle) === handler) {
      roomHandlers.delete(handle);
    }
  };
}

/** Routes events of data-track stream `handle` to `handler` until the returned function is called. */
export function onDataTrackStreamEvents(handle: bigint, handler: StreamEventHandler): () => void {
  streamHandlers.set(handle, handler);
  return () => {
    if (streamHandlers.get(handle) === handler) {
      streamHandlers.delete(handle);
    }
  };
}

/**
 * Waits for the FFI callback `kind` with `asyncId` (register right after the request: callbacks
 * arrive in a later turn). Rejects with ERR_ABORTED when `signal` aborts.
 */
export function waitForCallback<T>(
  kind: "publishDataTrack",
  asyncId: bigint,
  signal: AbortSignal,
): Promise<T> {
  const key = `${kind}:${asyncId}`;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      waiters.delete(key);
      reject(new FoxgloveError("ERR_ABORTED", `${kind} was aborted: the room closed`));
    };
    if (signal.aborted) {
      onAbort();
      return;
    }
    signal.addEventListener("abort", onAbort, { once: true });
    waiters.set(key, {
      resolve: (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value as T);
      },
    });
  });
}

/** Called once when a byte-stream write completes: undefined, or LiveKit's error text. */
export type WriteDone = (error: string | undefined) => void;

/**
 * Offered every encoded FFI event before rtc-node decodes it: completions of our byte-stream
 * writes are settled here by async id (one map lookup, no protobuf-es decode, no per-write
 * listener); everything else, including rtc-node's own writes, goes on to rtc-node.
 */
function claimWriteCallback(data: Uint8Array): boolean {
  try {
    const completion = decodeByteStreamWriteCallback(data);
    const done = completion === undefined ? undefined : writeWaiters.get(completion.asyncId);
    if (completion === undefined || done === undefined) {
      return false;
    }
    writeWaiters.delete(completion.asyncId);
    done(completion.error);
    return true;
  } catch (error) {
    log.error("livekit write completion handling failed:", error);
    return false;
  }
}

/**
 * Writes `chunks` (`byteLength` bytes in all) to the byte-stream writer whose encoded handle is
 * `handle`, copying them once into the FFI request; `done` is called when LiveKit has taken them.
 * Returns the request's async id (for {@link cancelByteStreamWrite}). Throws FoxgloveError
 * ERR_LIVEKIT when the FFI refuses the request.
 */
export function requestByteStreamWrite(
  handle: Uint8Array,
  chunks: readonly Uint8Array[],
  byteLength: number,
  done: WriteDone,
): number {
  const reply = livekitFfiRequest(encodeByteStreamWriteRequest(handle, chunks, byteLength));
  const asyncId = decodeByteStreamWriteResponse(reply);
  directWrites += 1;
  writeWaiters.set(asyncId, done); // the callback arrives in a later turn
  return asyncId;
}

/** Forgets the completion of write `asyncId` (its stream's room closed). */
export function cancelByteStreamWrite(asyncId: number): void {
  writeWaiters.delete(asyncId);
}

/**
 * Notes the writer handle the FFI reports for the byte stream `streamId` while it is being
 * opened (by rtc-node, which keeps it private); call the returned function once the open settled
 * to stop and get the handle (undefined if none was reported).
 */
export function captureByteStreamWriter(streamId: string): () => bigint | undefined {
  if (!directWritesEnabled) {
    return () => undefined;
  }
  openingStreams.set(streamId, undefined);
  return () => {
    const handle = openingStreams.get(streamId);
    openingStreams.delete(streamId);
    return handle;
  };
}

/**
 * @internal For benchmarks: streams opened while false write through rtc-node's own writer
 * (protobuf-es, one FFI listener per write), as before the hand-encoded path.
 */
export function setDirectByteStreamWrites(enabled: boolean): void {
  directWritesEnabled = enabled;
}

/** Drops a native handle we own (no-op for undefined). */
export function disposeHandle(id: bigint | undefined): void {
  if (id === undefined) {
    return;
  }
  try {
    new FfiHandle(id).dispose();
  } catch (error) {
    log.debug("livekit: disposing handle failed:", error);
  }
}

// ---------------------------------------------------------------------------------------------
// Lifetime. Once the FFI is initialized its napi callback keeps the event loop alive forever, and
// livekitDispose() stops callbacks for good. So: count what is in use (leases); when nothing is and
// nothing else keeps the process alive (no active handles or requests), dispose automatically so
// the process can exit. A later use initializes a fresh FFI client, so an early dispose is harmless.

const IDLE_CHECK_MS = 100;
let leases = 0;
let disposing: Promise<void> | undefined;
let idleTimer: NodeJS.Timeout | undefined;
const openRooms = new Set<() => Promise<void>>();

/**
 * Marks the native layer as in use until the returned release function is called (idempotent).
 * Waits for a dispose in progress to finish first.
 */
export async function acquireNative(): Promise<() => void> {
  while (disposing !== undefined) {
    await disposing;
  }
  leases += 1;
  stopIdleWatch();
  ffiClient();
  let released = false;
  return () => {
    if (released) {
      return;
    }
    released = true;
    leases -= 1;
    if (leases === 0) {
      startIdleWatch();
    }
  };
}

/** Registers a room so {@link shutdownLiveKit} can close it; returns the unregister function. */
export function trackOpenRoom(close: () => Promise<void>): () => void {
  openRooms.add(close);
  return () => openRooms.delete(close);
}

function startIdleWatch(): void {
  if (idleTimer !== undefined || hooked === undefined) {
    return;
  }
  idleTimer = setInterval(() => {
    if (leases > 0 || hooked === undefined) {
      stopIdleWatch();
    } else if (isProcessIdle()) {
      stopIdleWatch();
      void disposeNative();
    }
  }, IDLE_CHECK_MS);
  idleTimer.unref();
}

function stopIdleWatch(): void {
  if (idleTimer !== undefined) {
    clearInterval(idleTimer);
    idleTimer = undefined;
  }
}

async function disposeNative(): Promise<void> {
  if (disposing !== undefined) {
    return await disposing;
  }
  if (hooked === undefined) {
    return;
  }
  const client = hooked;
  disposing = (async () => {
    try {
      await livekitDispose();
    } catch (error) {
      log.warn("livekit: disposing the native layer failed:", error);
    } finally {
      client.off("ffi_event", safeRoute);
      if (ffiGlobal._ffiClientInstance === client) {
        delete ffiGlobal._ffiClientInstance;
      }
      hooked = undefined;
      disposing = undefined;
    }
  })();
  return await disposing;
}

/**
 * Closes every open room and releases LiveKit's native layer so the process can exit. Safe to call
 * more than once; using the adapter afterwards initializes the native layer again. Without this
 * call the layer is released automatically once nothing uses it and nothing else keeps the process
 * alive, so calling it is only needed to end a process that still has other work (timers, servers).
 */
export async function shutdownLiveKit(): Promise<void> {
  await Promise.allSettled([...openRooms].map((close) => close()));
  if (leases === 0) {
    stopIdleWatch();
    await disposeNative();
  }
}

/** Number of outstanding leases (for tests). */
export function nativeLeaseCount(): number {
  return leases;
}

/** True while an FFI client is initialized (for tests). */
export function nativeInitialized(): boolean {
  return hooked !== undefined;
}

/** Byte-stream writes made through {@link requestByteStreamWrite} so far, and still awaited (for tests). */
export function directWriteCounts(): { made: number; pending: number } {
  return { made: directWrites, pending: writeWaiters.size };
}
