import type { ApiEndpoint, Fault } from "./Fault.js";

/**
 * One request as the API server saw it. Secrets never appear: the `Authorization` header keeps
 * only its scheme, and query values whose names look secret are replaced by `<redacted>`.
 */
export interface RequestRecord {
  /** 1 for the first request the server saw, then increasing. */
  readonly seq: number;
  /** When the request arrived, nanoseconds since the Unix epoch (server clock). */
  readonly timeNs: bigint;
  readonly method: string;
  /** The path without the query string. */
  readonly path: string;
  /** Query parameters (first value of each name), redacted. */
  readonly query: Readonly<Record<string, string>>;
  /** The matched endpoint, or undefined for unknown paths. */
  readonly endpoint: ApiEndpoint | undefined;
  /** The status answered (for the watch: the status of the stream's headers); 0 if none was sent. */
  readonly status: number;
  /** The device the request authenticated as, if any. */
  readonly deviceId: string | undefined;
  /** `Authorization` as `<scheme> <redacted>`, `<redacted>` without a scheme, or undefined. */
  readonly authorization: string | undefined;
  readonly userAgent: string | undefined;
  /** The heartbeat body's `watchLeaseId`, if any. */
  readonly watchLeaseId: string | undefined;
  /** The fault applied to this request, if any. */
  readonly fault: Fault["kind"] | undefined;
}

const SECRET_NAME = /token|key|secret|password|auth/i;

/** Replaces the credential of an `Authorization` header value, keeping only the scheme. */
export function redactAuthorization(value: string | undefined): string | undefined {
  if (value === undefined) {
    return undefined;
  }
  const match = /^\s*([A-Za-z][A-Za-z0-9_-]*)\s+\S/.exec(value);
  return match?.[1] !== undefined ? `${match[1]} <redacted>` : "<redacted>";
}

/** The first value of each query parameter, with values of secret-looking names redacted. */
export function redactQuery(params: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of params) {
    if (!Object.hasOwn(out, name)) {
      out[name] = SECRET_NAME.test(name) ? "<redacted>" : value;
    }
  }
  return out;
}

/** A bounded log of {@link RequestRecord}s: the oldest are dropped past `capacity`. */
export class RequestLog {
  readonly #capacity: number;
  #records: RequestRecord[] = [];
  #seq = 0;

  constructor(capacity: number) {
    this.#capacity = Math.max(1, capacity);
  }

  /** The next sequence number. */
  nextSeq(): number {
    return ++this.#seq;
  }

  /** Appends a record. */
  push(record: RequestRecord): void {
    this.#records.push(record);
    if (this.#records.length > this.#capacity) {
      this.#records = this.#records.slice(-this.#capacity);
    }
  }

  /** A copy of the records, oldest first. */
  list(): RequestRecord[] {
    return [...this.#records];
  }

  /** Forgets every record (sequence numbers keep increasing). */
  clear(): void {
    this.#records = [];
  }
}
