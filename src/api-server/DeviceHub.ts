import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { FoxgloveError, isFoxgloveError } from "../core/FoxgloveError.js";
import { log } from "../core/logger.js";
import { ApiProblem } from "./ApiProblem.js";
import type { ApiServerEvents, WakeInfo } from "./ApiServerEvents.js";
import type { ApiDevice, ResolvedApiServerOptions } from "./ApiServerOptions.js";
import type { EventHub } from "./EventHub.js";
import { LeaseTable } from "./LeaseTable.js";
import type { LiveKitPresence } from "./livekitPresence.js";
import type { EndedLease, HeartbeatVerdict, Lease, LeaseEndReason } from "./LeaseTable.js";
import { mintLiveKitToken } from "./mintLiveKitToken.js";
import type { ViewerConnectRequest } from "./ViewerConnectRequest.js";
import type { WatchStream } from "./WatchStream.js";

/** Where a device is: not reachable, watching (can be woken), or woken into a LiveKit room. */
export type DevicePhase = "offline" | "dormant" | "session";

/** A device as listed to viewers. */
export interface DeviceStatus {
  readonly id: string;
  readonly name: string;
  readonly phase: DevicePhase;
  /** The room of the current session, when `phase` is `session`. */
  readonly room: string | undefined;
}

/** Overrides for a wake sent by a test or an operator. */
export interface WakeOptions {
  /** Room to send. Default a new `fgr-<device id>-<hex>-<session id>` room. */
  room?: string;
  /** Session id to send. Default: the one the watch reported, else a new `ras_<hex>`. */
  remoteAccessSessionId?: string;
  /** LiveKit URL to send. Default the server's LiveKit URL. */
  url?: string;
  /** Token to send instead of a freshly minted one (e.g. an invalid one). */
  token?: string;
  /** End the watch stream after the wake, as the gateway stops reading anyway. Default true. */
  endStream?: boolean;
}

/** What a viewer gets to join a device's room. */
export interface ViewerConnectResponse {
  readonly livekitUrl: string;
  /** LiveKit JWT for the viewer. */
  readonly token: string;
  readonly room: string;
  /** The device's participant identity in the room. */
  readonly deviceIdentity: string;
  readonly viewerIdentity: string;
  readonly remoteAccessSessionId: string;
  /** True when this request woke the device; false when it was already in the room. */
  readonly woke: boolean;
}

interface Session {
  readonly room: string;
  readonly remoteAccessSessionId: string;
  /** When the wake was sent, `performance.now()` milliseconds. */
  readonly wokeAtMs: number;
  /** Viewer identities issued a token for this room, with when that token expires (ms). */
  readonly identities: Map<string, number>;
}

/** The most viewer identities one session holds a reservation for; more get 429. */
export const MAX_SESSION_IDENTITIES = 10_000;

/** The room prefix of a device's sessions. */
const roomPrefix = (deviceId: string): string => `fgr-${deviceId}-`;

/** The session id a default room name carries (`fgr-<device>-<12 hex>-<ras_…>`), if any. */
function sessionIdOfRoom(deviceId: string, room: string): string | undefined {
  const rest = room.slice(roomPrefix(deviceId).length);
  const match = /^[0-9a-f]{12}-(ras_[\w-]{1,64})$/.exec(rest);
  return match?.[1];
}

interface DeviceState {
  readonly device: Required<ApiDevice>;
  readonly tokenHash: Buffer;
  watch: WatchStream | undefined;
  session: Session | undefined;
  /** The lease of the watch that was woken last. */
  wokenLeaseId: string | undefined;
}

const hash = (text: string): Buffer => createHash("sha256").update(text, "utf8").digest();
const hex = (bytes: number): string => randomBytes(bytes).toString("hex");

/**
 * The device side of the API server: who the devices are, their watch streams, leases, wakes
 * and sessions, and how viewers get into a device's room. HTTP-free; the server calls it.
 */
export class DeviceHub {
  readonly #options: ResolvedApiServerOptions;
  readonly #clock: () => bigint;
  readonly #events: EventHub<ApiServerEvents>;
  readonly #leases: LeaseTable;
  readonly #states: DeviceState[];
  readonly #presence: LiveKitPresence | undefined;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(
    options: ResolvedApiServerOptions,
    clock: () => bigint,
    events: EventHub<ApiServerEvents>,
    presence?: LiveKitPresence,
  ) {
    this.#options = options;
    this.#presence = presence;
    this.#clock = clock;
    this.#events = events;
    this.#leases = new LeaseTable({ ttlNs: BigInt(options.leaseTtlMs) * 1_000_000n });
    this.#states = options.devices.map((device) => ({
      device,
      tokenHash: hash(device.token),
      watch: undefined,
      session: undefined,
      wokenLeaseId: undefined,
    }));
  }

  /** The device whose token is `token` (constant-time comparison), if any. */
  byToken(token: string): Required<ApiDevice> | undefined {
    const candidate = hash(token);
    let found: Required<ApiDevice> | undefined;
    for (const state of this.#states) {
      if (timingSafeEqual(candidate, state.tokenHash)) {
        found = state.device;
      }
    }
    return found;
  }

  /** The device with this id, else with this name. */
  resolve(idOrName: string): Required<ApiDevice> | undefined {
    return (
      this.#states.find((s) => s.device.id === idOrName) ??
      this.#states.find((s) => s.device.name === idOrName)
    )?.device;
  }

  /** Every device with its phase. */
  list(): DeviceStatus[] {
    return this.#states.map((s) => ({
      id: s.device.id,
      name: s.device.name,
      phase: this.#phase(s),
      room: s.session?.room,
    }));
  }

  /**
   * Every device with its phase, after asking LiveKit about devices that look offline (they may
   * be in a room this server does not know, e.g. after a restart).
   */
  async listFresh(): Promise<DeviceStatus[]> {
    await Promise.all(
      this.#states
        .filter((s) => s.session === undefined && !this.#isDormant(s))
        .map((s) => this.#recoverSession(s)),
    );
    return this.list();
  }

  /** The active lease of a device, if any. */
  activeLease(deviceId: string): Lease | undefined {
    return this.#leases.active(deviceId);
  }

  /** The open watch stream of a device, if any. */
  watchOf(deviceId: string): WatchStream | undefined {
    const watch = this.#state(deviceId).watch;
    return watch !== undefined && !watch.closed ? watch : undefined;
  }

  /**
   * Grants a lease to a new watch of `deviceId`, ending (and closing the stream of) a previous
   * holder that was handed over or superseded.
   *
   * @throws ApiProblem 409 `lease_conflict` when another open watch holds the device's lease.
   */
  acquireLease(deviceId: string, previousLeaseId: string | undefined): Lease {
    this.checkLeases();
    const state = this.#state(deviceId);
    const woken =
      state.wokenLeaseId !== undefined && this.#leases.active(deviceId)?.id === state.wokenLeaseId
        ? this.#leases.end(deviceId, "woken")
        : undefined;
    if (woken !== undefined) {
      this.#leaseEnded(woken);
    }
    const holder = this.#leases.active(deviceId);
    const holderOpen =
      holder !== undefined && state.watch?.leaseId === holder.id && !state.watch.closed;
    const result = this.#leases.open(deviceId, previousLeaseId, holderOpen, this.#clock());
    if (!result.ok) {
      throw new ApiProblem(409, "lease_conflict", "another watch holds this device's lease");
    }
    if (result.ended !== undefined) {
      this.#leaseEnded(result.ended);
    }
    this.#scheduleExpiry();
    return result.lease;
  }

  /** Makes `stream` the device's watch, ending any other open watch of that device. */
  attach(stream: WatchStream): void {
    const state = this.#state(stream.deviceId);
    if (state.watch !== undefined && state.watch !== stream) {
      state.watch.end();
    }
    state.watch = stream;
  }

  /** Forgets `stream` after it closed. */
  detach(stream: WatchStream): void {
    const state = this.#state(stream.deviceId);
    if (state.watch === stream) {
      state.watch = undefined;
    }
    this.#events.emit("watchClosed", { deviceId: stream.deviceId, leaseId: stream.leaseId });
  }

  /**
   * Writes the `hello` for `lease` on `stream` (or a malformed one), making the device dormant:
   * a session it was in is over. With `wakeOnWatch`, wakes it at once.
   */
  sendHello(stream: WatchStream, lease: Lease, malformed = false): void {
    const state = this.#state(stream.deviceId);
    if (stream.closed || this.#leases.active(stream.deviceId) !== lease) {
      return;
    }
    stream.leaseId = lease.id;
    const data = malformed
      ? `{"watchLeaseId": "${lease.id}", oops`
      : JSON.stringify({
          watchLeaseId: lease.id,
          deviceWaitForViewerMs: this.#options.deviceWaitForViewerMs,
          heartbeatIntervalMs: this.#options.heartbeatIntervalMs,
        });
    stream.sendEvent("hello", data);
    stream.helloSent = true;
    state.session = undefined;
    this.#events.emit("watchOpened", {
      deviceId: stream.deviceId,
      leaseId: lease.id,
      query: stream.query,
    });
    if (this.#options.wakeOnWatch && !malformed) {
      this.wake(stream.deviceId).catch((error: unknown) => {
        log.warn(`api-server: automatic wake of ${stream.deviceId} failed`, error);
      });
    }
  }

  /** Applies a heartbeat: renews the lease (`ok`), or answers `conflict` / `gone`. */
  heartbeat(deviceId: string, leaseId: string): HeartbeatVerdict {
    this.checkLeases();
    const verdict = this.#leases.heartbeat(deviceId, leaseId, this.#clock());
    this.#scheduleExpiry();
    this.#events.emit("heartbeat", { deviceId, leaseId, verdict });
    return verdict;
  }

  /**
   * Sends a `wake` with a freshly minted device token on the device's watch stream. The device
   * is then in a session in the wake's room. Its lease stays valid (heartbeats already in flight
   * still get 200, so they cannot race the wake with a 410) until it expires or the device's next
   * watch ends it (reason `woken`).
   *
   * @throws ApiProblem 409 `device_not_watching` when the device has no dormant watch, or 500
   *   `livekit_token` when the token cannot be minted.
   */
  async wake(deviceId: string, options: WakeOptions = {}): Promise<WakeInfo> {
    const state = this.#state(deviceId);
    const watch = state.watch;
    if (watch === undefined || !this.#isDormant(state)) {
      throw new ApiProblem(409, "device_not_watching", `device ${deviceId} is not watching`);
    }
    watch.woken = true;
    const remoteAccessSessionId =
      options.remoteAccessSessionId ?? watch.query.remoteAccessSessionId ?? `ras_${hex(8)}`;
    const session: Session = {
      // The session id is in the room's name so that a restarted server can find it again.
      room: options.room ?? `${roomPrefix(deviceId)}${hex(6)}-${remoteAccessSessionId}`,
      remoteAccessSessionId,
      wokeAtMs: performance.now(),
      identities: new Map(),
    };
    state.session = session;
    const url = options.url ?? this.#options.livekit.url;
    let token: string;
    try {
      token =
        options.token ??
        (await mintLiveKitToken({
          ...this.#livekitKeys(),
          identity: state.device.id,
          name: state.device.name,
          room: session.room,
          attributes: { protocolVersion: watch.query.protocolVersion ?? "2.2.0" },
        }));
    } catch (error) {
      this.#revert(state, session);
      watch.end();
      throw new ApiProblem(500, "livekit_token", "could not mint the device's LiveKit token", {
        cause: error,
      });
    }
    const data = JSON.stringify({
      remoteAccessSessionId: session.remoteAccessSessionId,
      url,
      token,
    });
    if (!watch.sendEvent("wake", data)) {
      this.#revert(state, session);
      throw new ApiProblem(503, "device_offline", `device ${deviceId} left before the wake`);
    }
    state.wokenLeaseId = watch.leaseId;
    if (options.endStream ?? true) {
      watch.end();
    }
    const info: WakeInfo = {
      deviceId,
      room: session.room,
      remoteAccessSessionId: session.remoteAccessSessionId,
      url,
    };
    this.#events.emit("wake", info);
    log.info(`api-server: woke ${deviceId} into room ${session.room}`);
    return info;
  }

  /**
   * Gets a viewer into a device's room: reuses the current session, or wakes the device, waiting
   * up to `request.timeoutMs` for an offline device to start watching.
   *
   * A device that is in a LiveKit room of its own but unknown to this server (for example after
   * a server restart) is found through LiveKit and its session reused.
   *
   * @throws ApiProblem 404 `unknown_device`, 400 `bad_request` (identity taken by the device),
   *   409 `identity_taken` (the identity is in the room or was issued for it already), 429
   *   `too_many_viewers`, 503 `device_offline` (no watch in time), 500 `livekit_token`;
   *   FoxgloveError `ERR_ABORTED` when `signal` aborts.
   */
  async connectViewer(
    request: ViewerConnectRequest,
    signal?: AbortSignal,
  ): Promise<ViewerConnectResponse> {
    const device = this.resolve(request.device);
    if (device === undefined) {
      throw new ApiProblem(
        404,
        "unknown_device",
        `no device has the id or name "${request.device}"`,
      );
    }
    if (request.identity === device.id) {
      throw new ApiProblem(400, "bad_request", "the viewer identity is the device's identity");
    }
    const state = this.#state(device.id);
    const deadline = Date.now() + request.timeoutMs;
    let woke = false;
    let session = state.session;
    if (session !== undefined && !(await this.#sessionAlive(device.id, session))) {
      log.info(`api-server: device ${device.id} is not in room ${session.room}; session over`);
      this.#revert(state, session);
      session = state.session;
    }
    if (session === undefined && !this.#isDormant(state)) {
      session = await this.#recoverSession(state);
    }
    while (session === undefined) {
      if (this.#isDormant(state)) {
        await this.wake(device.id);
        woke = true;
      } else {
        this.#events.emit("viewerWaiting", {
          deviceId: device.id,
          viewerIdentity: request.identity,
        });
        await this.#waitForWatch(device.id, deadline - Date.now(), signal);
      }
      session = state.session;
    }
    await this.#claimIdentity(device.id, session, request.identity, woke);
    let token: string;
    try {
      token = await mintLiveKitToken({
        ...this.#livekitKeys(),
        ttlSeconds: this.#options.viewerTokenTtlSeconds,
        role: "viewer",
        identity: request.identity,
        room: session.room,
        ...(request.name !== undefined ? { name: request.name } : {}),
        ...(request.protocolVersion !== null
          ? { attributes: { protocolVersion: request.protocolVersion } }
          : {}),
      });
    } catch (error) {
      throw new ApiProblem(500, "livekit_token", "could not mint the viewer's LiveKit token", {
        cause: error,
      });
    }
    return {
      livekitUrl: this.#options.livekit.url,
      token,
      room: session.room,
      deviceIdentity: device.id,
      viewerIdentity: request.identity,
      remoteAccessSessionId: session.remoteAccessSessionId,
      woke,
    };
  }

  /** Forgets a device's session, so the next viewer wakes it again. */
  endSession(deviceId: string): void {
    this.#state(deviceId).session = undefined;
  }

  /** Ends a device's active lease now and closes its watch stream. */
  endLease(deviceId: string, reason: LeaseEndReason = "revoked"): EndedLease | undefined {
    const ended = this.#leases.end(deviceId, reason);
    if (ended !== undefined) {
      this.#leaseEnded(ended);
    }
    this.#scheduleExpiry();
    return ended;
  }

  /** Expires every lease past its time to live (on the server's clock) and closes its stream. */
  checkLeases(): void {
    for (const ended of this.#leases.expire(this.#clock())) {
      this.#leaseEnded(ended);
    }
    this.#scheduleExpiry();
  }

  /** Ends every watch stream and stops the expiry timer. */
  close(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
    for (const state of this.#states) {
      state.watch?.end();
    }
  }

  #state(deviceId: string): DeviceState {
    const state = this.#states.find((s) => s.device.id === deviceId);
    if (state === undefined) {
      throw new ApiProblem(404, "unknown_device", `no device has the id "${deviceId}"`);
    }
    return state;
  }

  #phase(state: DeviceState): DevicePhase {
    if (state.session !== undefined) {
      return "session";
    }
    return this.#isDormant(state) ? "dormant" : "offline";
  }

  #isDormant(state: DeviceState): boolean {
    const watch = state.watch;
    return (
      watch !== undefined &&
      watch.helloSent &&
      !watch.woken &&
      !watch.closed &&
      this.#leases.active(state.device.id)?.id === watch.leaseId
    );
  }

  #revert(state: DeviceState, session: Session): void {
    if (state.session === session) {
      state.session = undefined;
    }
  }

  /** False when LiveKit says the device is not in the session's room past the join grace. */
  async #sessionAlive(deviceId: string, session: Session): Promise<boolean> {
    if (this.#presence === undefined || !this.#options.checkSessionPresence) {
      return true;
    }
    if (performance.now() - session.wokeAtMs < this.#options.sessionJoinGraceMs) {
      return true;
    }
    return (await this.#presence.participant(session.room, deviceId)) !== "absent";
  }

  /**
   * Finds a session this server does not know (it restarted while the device was in a room):
   * asks LiveKit for a `fgr-<device id>-` room the device is in and adopts it.
   */
  async #recoverSession(state: DeviceState): Promise<Session | undefined> {
    if (this.#presence === undefined || !this.#options.checkSessionPresence) {
      return undefined;
    }
    const deviceId = state.device.id;
    const rooms = await this.#presence.roomsWith(deviceId, roomPrefix(deviceId));
    const room = rooms?.[0];
    if (room === undefined || state.session !== undefined || this.#isDormant(state)) {
      return state.session;
    }
    const session: Session = {
      room,
      remoteAccessSessionId: sessionIdOfRoom(deviceId, room) ?? `ras_${hex(8)}`,
      // Found in the room: no join grace is needed.
      wokeAtMs: performance.now() - this.#options.sessionJoinGraceMs,
      identities: new Map(),
    };
    state.session = session;
    log.info(`api-server: found device ${deviceId} in room ${room}; reusing that session`);
    return session;
  }

  /**
   * Reserves `identity` in `session` for the viewer token's lifetime, so that no two tokens for
   * one room share an identity (LiveKit would drop the older participant). An identity already
   * issued for this room, or (for a room not just created) present in it, is refused.
   */
  async #claimIdentity(
    deviceId: string,
    session: Session,
    identity: string,
    freshRoom: boolean,
  ): Promise<void> {
    const now = performance.now();
    const issued = session.identities;
    for (const [name, expires] of issued) {
      if (expires <= now) {
        issued.delete(name);
      }
    }
    if (issued.has(identity)) {
      throw identityTaken(identity);
    }
    if (issued.size >= MAX_SESSION_IDENTITIES) {
      throw new ApiProblem(429, "too_many_viewers", `too many viewers for device ${deviceId}`);
    }
    // Reserved before asking LiveKit, so a concurrent request for it is refused too.
    issued.set(identity, now + this.#options.viewerTokenTtlSeconds * 1000);
    if (freshRoom || this.#presence === undefined) {
      return;
    }
    if ((await this.#presence.participant(session.room, identity)) === "present") {
      issued.delete(identity);
      throw identityTaken(identity);
    }
  }

  #livekitKeys(): { apiKey: string; apiSecret: string; ttlSeconds: number } {
    const { apiKey, apiSecret } = this.#options.livekit;
    return { apiKey, apiSecret, ttlSeconds: this.#options.tokenTtlSeconds };
  }

  async #waitForWatch(deviceId: string, timeoutMs: number, signal?: AbortSignal): Promise<void> {
    try {
      if (timeoutMs <= 0) {
        throw new FoxgloveError("ERR_TIMEOUT", "no time left");
      }
      await this.#events.waitFor("watchOpened", {
        filter: (e) => e.deviceId === deviceId,
        timeoutMs,
        ...(signal !== undefined ? { signal } : {}),
      });
    } catch (error) {
      if (isFoxgloveError(error, "ERR_TIMEOUT")) {
        throw new ApiProblem(
          503,
          "device_offline",
          `device ${deviceId} is not watching for viewers`,
        );
      }
      throw error;
    }
  }

  #leaseEnded(ended: EndedLease): void {
    const watch = this.#state(ended.deviceId).watch;
    if (watch !== undefined && watch.leaseId === ended.id) {
      watch.end();
    }
    this.#events.emit("leaseEnded", ended);
  }

  #scheduleExpiry(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const next = this.#leases.nextExpiry();
    if (next === undefined || this.#closed) {
      return;
    }
    const ms = Number((next - this.#clock()) / 1_000_000n) + 1;
    this.#timer = setTimeout(() => this.checkLeases(), Math.min(Math.max(ms, 1), 2 ** 31 - 1));
  }
}

function identityTaken(identity: string): ApiProblem {
  return new ApiProblem(
    409,
    "identity_taken",
    `the viewer identity "${identity}" is in use in this device's room; choose another or omit it`,
  );
}
