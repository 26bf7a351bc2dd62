import { redact, REDACTED, SECRET_NAME } from "../core/redact.js";
import type { ApiEndpoint, Fault } from "./Fault.js";

/**
 * One request as the API server saw it. Secrets never appear: the `Authorization` header keeps
 * only its scheme, query values whose names look secret are `<redacted>`, and every recorded text
 * goes through `redact()` (JWTs, `fox_xx_` tokens, `Bearer x`, `jwt=x` ... wherever they are).
 * Requests that did not authenticate (unknown paths, 401s, bad viewer keys) are recorded short:
 * method, a cut path and the status only, so junk cannot fill the server's memory.
 */
export interface RequestRecord {
  /** 1 for the first request the server saw, then increasing. */
  readonly seq: number;
  /** When the request arrived, nanoseconds since the Unix epoch (server clock). */
  readonly timeNs: bigint;
  readonly method: string;
  /** The path without the query string (cut to 256 characters when not authenticated). */
  readonly path: string;
  /** Query parameters (first value of each name, at most 32), redacted; empty if not authenticated. */
  readonly query: Readonly<Record<string, string>>;
  /** The matched endpoint, or undefined for unknown paths. */
  readonly endpoint: ApiEndpoint | undefined;
  /** The status answered (for the watch: the status of the stream's headers); 0 if none was sent. */
  readonly status: number;
  /** True when the request authenticated (device token, or viewer key where one is required). */
  readonly authenticated: boolean;
  /** The device the request authenticated as, if any. */
  readonly deviceId: string | undefined;
  /** `Authorization` as `<scheme> <redacted>`, `<redacted>` without a scheme, or undefined. */
  readonly authorization: string | undefined;
  /** The User-Agent, redacted; undefined when not authenticated. */
  readonly userAgent: string | undefined;
  /** The heartbeat body's `watchLeaseId`, if any. */
  readonly watchLeaseId: string | undefined;
  /** The fault applied to this request, if any. */
  readonly fault: Fault["kind"] | undefined;
}

/** Longest recorded path of an authenticated request; unauthenticated ones keep 256. */
const MAX_PATH = 2048;
const MAX_SHORT_PATH = 256;
/** Longest recorded query value, User-Agent, and the most query parameters kept. */
const MAX_VALUE = 1024;
const MAX_PARAMS = 32;
/** Bytes charged per record on top of its text (object, bigint, numbers). */
const RECORD_OVERHEAD = 256;

/** Replaces the credential of an `Authorization` header value, keeping only the scheme. */
export function redactAuthorization(value: string | undefined): string | undefined {
  if (value === undefined) {
    return undefined;
  }
  const match = /^\s*([A-Za-z][A-Za-z0-9_-]{0,31})\s+\S/.exec(value);
  return match?.[1] !== undefined ? `${match[1]} ${REDACTED}` : REDACTED;
}

function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** Redacted, then cut to `max` characters. */
function clean(text: string, max: number): string {
  return cut(redact(text), max);
}

/**
 * The first value of each query parameter (at most 32), values of secret-looking names replaced
 * by `<redacted>` and every other value redacted and cut to 1024 characters.
 */
export function redactQuery(params: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  let count = 0;
  for (const [name, value] of params) {
    if (count >= MAX_PARAMS) {
      break;
    }
    const key = clean(name, 128);
    if (!Object.hasOwn(out, key)) {
      out[key] = SECRET_NAME.test(name) ? REDACTED : clean(value, MAX_VALUE);
      count += 1;
    }
  }
  return out;
}

/** What the server knows about a finished request, before redaction and cutting. */
export type RequestFacts = Omit<RequestRecord, "method" | "path" | "query"> & {
  readonly method: string | undefined;
  /** The request target, parsed. */
  readonly url: URL;
};

/** Builds the record of a request: in full (redacted, cut) when authenticated, else short. Pure. */
export function recordRequest(facts: RequestFacts): RequestRecord {
  const full = facts.authenticated;
  return {
    seq: facts.seq,
    timeNs: facts.timeNs,
    method: cut(facts.method ?? "", 16),
    path: clean(facts.url.pathname, full ? MAX_PATH : MAX_SHORT_PATH),
    query: full ? redactQuery(facts.url.searchParams) : {},
    endpoint: facts.endpoint,
    status: facts.status,
    authenticated: full,
    deviceId: facts.deviceId,
    authorization: redactAuthorization(facts.authorization),
    userAgent:
      full && facts.userAgent !== undefined ? clean(facts.userAgent, MAX_VALUE) : undefined,
    watchLeaseId: facts.watchLeaseId !== undefined ? clean(facts.watchLeaseId, 256) : undefined,
    fault: facts.fault,
  };
}

/** The bytes a record is charged in a {@link RequestLog}: its text (UTF-16) plus a fixed overhead. */
export function recordBytes(record: RequestRecord): number {
  let chars = record.method.length + record.path.length;
  for (const [name, value] of Object.entries(record.query)) {
    chars += name.length + value.length;
  }
  for (const text of [
    record.deviceId,
    record.authorization,
    record.userAgent,
    record.watchLeaseId,
  ]) {
    chars += text?.length ?? 0;
  }
  return RECORD_OVERHEAD + 2 * chars;
}

/**
 * A bounded log of {@link RequestRecord}s: the oldest are dropped past `capacity` records or
 * past `maxBytes` (as charged by {@link recordBytes}).
 */
export class RequestLog {
  readonly #capacity: number;
  readonly #maxBytes: number;
  #records: RequestRecord[] = [];
  #sizes: number[] = [];
  #head = 0;
  #bytes = 0;
  #seq = 0;

  constructor(capacity: number, maxBytes = Number.POSITIVE_INFINITY) {
    this.#capacity = Math.max(1, capacity);
    this.#maxBytes = maxBytes;
  }

  /** The next sequence number. */
  nextSeq(): number {
    return ++this.#seq;
  }

  /** Bytes charged for the records held now (at most `maxBytes`). */
  get bytes(): number {
    return this.#bytes;
  }

  /** Appends a record, dropping the oldest ones until both bounds hold. */
  push(record: RequestRecord): void {
    const size = recordBytes(record);
    this.#records.push(record);
    this.#sizes.push(size);
    this.#bytes += size;
    while (
      this.#records.length - this.#head > 1 &&
      (this.#records.length - this.#head > this.#capacity || this.#bytes > this.#maxBytes)
    ) {
      this.#bytes -= this.#sizes[this.#head] ?? 0;
      this.#head += 1;
    }
    if (this.#bytes > this.#maxBytes) {
      // A single record over the budget is not kept.
      this.#bytes = 0;
      this.#head = this.#records.length;
    }
    if (this.#head > 1024 && this.#head * 2 > this.#records.length) {
      this.#records = this.#records.slice(this.#head);
      this.#sizes = this.#sizes.slice(this.#head);
      this.#head = 0;
    }
  }

  /** A copy of the records, oldest first. */
  list(): RequestRecord[] {
    return this.#records.slice(this.#head);
  }

  /** Forgets every record (sequence numbers keep increasing). */
  clear(): void {
    this.#records = [];
    this.#sizes = [];
    this.#head = 0;
    this.#bytes = 0;
  }
}
