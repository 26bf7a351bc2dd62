/** Why a watch lease stopped being active. */
export type LeaseEndReason =
  /** No heartbeat arrived within the lease time to live. */
  | "expired"
  /** The device was woken and came back with a new watch. */
  | "woken"
  /** The same gateway reconnected with this lease as `previousWatchLeaseId`. */
  | "handedOver"
  /** A watch without this lease took the device over after this lease's stream closed. */
  | "superseded"
  /** Ended by the server (test control or shutdown). */
  | "revoked";

/** An active watch lease: one per device at most. Times are nanoseconds on the table's clock. */
export interface Lease {
  readonly id: string;
  readonly deviceId: string;
  readonly createdAt: bigint;
  /** The lease ends as `expired` at this time unless a heartbeat renews it. */
  expiresAt: bigint;
}

/** A lease that is no longer active, kept so that late heartbeats get the right answer. */
export interface EndedLease {
  readonly id: string;
  readonly deviceId: string;
  readonly reason: LeaseEndReason;
  /** The lease that replaced this one through a hand-over, if any. */
  readonly successor: string | undefined;
}

/** The result of asking for a lease when a watch opens. */
export type LeaseOpenResult =
  | { readonly ok: true; readonly lease: Lease; readonly ended: EndedLease | undefined }
  | { readonly ok: false; readonly reason: "conflict"; readonly holder: Lease };

/** The answer to a heartbeat: 200, 409 or 410 on the wire. */
export type HeartbeatVerdict = "ok" | "conflict" | "gone";

/** Options of {@link LeaseTable}. */
export interface LeaseTableOptions {
  /** Lease time to live in nanoseconds, renewed by every accepted heartbeat. */
  ttlNs: bigint;
  /** Makes lease ids; default `rwl_<hex nanos><hex counter>`. */
  newId?: (now: bigint) => string;
  /** How many ended leases to remember (oldest forgotten first). Default 1024. */
  maxEnded?: number;
}

/**
 * The watch-lease rules of the device API, as pure logic over an explicit clock (`now`, in
 * nanoseconds, is passed to every call). One active lease per device:
 *
 * - A watch gets a lease when the device has none, when it names the active lease as
 *   `previousWatchLeaseId` (hand-over), or when the holder's stream is already closed
 *   (supersede). Otherwise it is a conflict (409).
 * - A heartbeat for the active lease renews it (200). A heartbeat for any other lease is a
 *   conflict (409) when the device's active lease did not descend from it by hand-over, and
 *   gone (410) otherwise or when the device has no active lease.
 */
export class LeaseTable {
  readonly #ttl: bigint;
  readonly #newId: (now: bigint) => string;
  readonly #maxEnded: number;
  readonly #active = new Map<string, Lease>();
  readonly #ended = new Map<string, EndedLease>();
  #counter = 0;

  constructor(options: LeaseTableOptions) {
    if (options.ttlNs <= 0n) {
      throw new RangeError("lease ttl must be positive");
    }
    this.#ttl = options.ttlNs;
    this.#maxEnded = options.maxEnded ?? 1024;
    this.#newId =
      options.newId ??
      ((now) =>
        `rwl_${now.toString(16)}${(this.#counter++ & 0xffff).toString(16).padStart(4, "0")}`);
  }

  /** The active lease of a device, if any (it may be past its expiry until {@link expire}). */
  active(deviceId: string): Lease | undefined {
    return this.#active.get(deviceId);
  }

  /** What is remembered about an ended lease. */
  ended(leaseId: string): EndedLease | undefined {
    return this.#ended.get(leaseId);
  }

  /**
   * Decides whether a new watch of `deviceId` gets a lease. `holderStreamOpen` tells whether the
   * stream of the current holder (if any) is still open.
   */
  open(
    deviceId: string,
    previousLeaseId: string | undefined,
    holderStreamOpen: boolean,
    now: bigint,
  ): LeaseOpenResult {
    const holder = this.#active.get(deviceId);
    let ended: EndedLease | undefined;
    if (holder !== undefined && holder.expiresAt <= now) {
      ended = this.#end(holder, "expired", undefined);
    } else if (holder !== undefined) {
      if (previousLeaseId !== holder.id && holderStreamOpen) {
        return { ok: false, reason: "conflict", holder };
      }
      const lease = this.#create(deviceId, now);
      const reason = previousLeaseId === holder.id ? "handedOver" : "superseded";
      return { ok: true, lease, ended: this.#end(holder, reason, lease.id) };
    }
    return { ok: true, lease: this.#create(deviceId, now), ended };
  }

  /** Applies a heartbeat of `deviceId` for `leaseId`; an accepted one renews the lease. */
  heartbeat(deviceId: string, leaseId: string, now: bigint): HeartbeatVerdict {
    const lease = this.#active.get(deviceId);
    if (lease === undefined) {
      return "gone";
    }
    if (lease.id === leaseId) {
      if (lease.expiresAt <= now) {
        this.#end(lease, "expired", undefined);
        return "gone";
      }
      lease.expiresAt = now + this.#ttl;
      return "ok";
    }
    return this.#descendsFrom(lease.id, leaseId) ? "gone" : "conflict";
  }

  /** Ends the active lease of a device, if any; returns what was ended. */
  end(deviceId: string, reason: LeaseEndReason): EndedLease | undefined {
    const lease = this.#active.get(deviceId);
    return lease === undefined ? undefined : this.#end(lease, reason, undefined);
  }

  /** Ends every lease whose expiry is at or before `now`; returns them. */
  expire(now: bigint): EndedLease[] {
    const out: EndedLease[] = [];
    for (const lease of [...this.#active.values()]) {
      if (lease.expiresAt <= now) {
        out.push(this.#end(lease, "expired", undefined));
      }
    }
    return out;
  }

  /** The earliest expiry among active leases, if any. */
  nextExpiry(): bigint | undefined {
    let next: bigint | undefined;
    for (const lease of this.#active.values()) {
      if (next === undefined || lease.expiresAt < next) {
        next = lease.expiresAt;
      }
    }
    return next;
  }

  #create(deviceId: string, now: bigint): Lease {
    const lease: Lease = {
      id: this.#newId(now),
      deviceId,
      createdAt: now,
      expiresAt: now + this.#ttl,
    };
    this.#active.set(deviceId, lease);
    return lease;
  }

  #end(lease: Lease, reason: LeaseEndReason, successor: string | undefined): EndedLease {
    if (this.#active.get(lease.deviceId) === lease) {
      this.#active.delete(lease.deviceId);
    }
    const ended: EndedLease = { id: lease.id, deviceId: lease.deviceId, reason, successor };
    this.#ended.set(lease.id, ended);
    while (this.#ended.size > this.#maxEnded) {
      const oldest = this.#ended.keys().next();
      if (oldest.done === true) {
        break;
      }
      this.#ended.delete(oldest.value);
    }
    return ended;
  }

  /** True when `activeId` was reached from `ancestorId` through a chain of hand-overs. */
  #descendsFrom(activeId: string, ancestorId: string): boolean {
    let id: string | undefined = ancestorId;
    for (let steps = 0; id !== undefined && steps <= this.#maxEnded; steps++) {
      const ended = this.#ended.get(id);
      if (ended === undefined || ended.reason !== "handedOver") {
        return false;
      }
      if (ended.successor === activeId) {
        return true;
      }
      id = ended.successor;
    }
    return false;
  }
}
