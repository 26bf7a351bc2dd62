import assert from "node:assert/strict";
import { test } from "node:test";
import {
  recordBytes,
  recordRequest,
  redactAuthorization,
  redactQuery,
  RequestLog,
  type RequestRecord,
} from "./RequestRecord.js";

test("authorization keeps only the scheme", () => {
  assert.equal(redactAuthorization("DeviceToken fox_dt_secret"), "DeviceToken <redacted>");
  assert.equal(redactAuthorization("Bearer abc.def"), "Bearer <redacted>");
  assert.equal(redactAuthorization("fox_dt_secret"), "<redacted>");
  assert.equal(redactAuthorization(undefined), undefined);
});

test("secret-looking query values are redacted; others kept (first value wins)", () => {
  const q = redactQuery(
    new URLSearchParams(
      "previousWatchLeaseId=rwl_1&token=abc&apiKey=k&protocolVersion=2.2.0&protocolVersion=9",
    ),
  );
  assert.deepEqual(q, {
    previousWatchLeaseId: "rwl_1",
    token: "<redacted>",
    apiKey: "<redacted>",
    protocolVersion: "2.2.0",
  });
});

const JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl";

function facts(url: string, authenticated: boolean, userAgent?: string) {
  return {
    seq: 1,
    timeNs: 0n,
    method: "GET",
    url: new URL(url, "http://h.invalid"),
    endpoint: undefined,
    status: 404,
    authenticated,
    deviceId: undefined,
    authorization: "DeviceToken fox_dt_secret",
    userAgent,
    watchLeaseId: undefined,
    fault: undefined,
  };
}

function record(seq: number, path = "/"): RequestRecord {
  return { ...recordRequest(facts(path, false)), seq };
}

test("credentials are redacted wherever they appear: path, query values, user agent", () => {
  const r = recordRequest(
    facts(`/x/fox_dt_secret/${JWT}?jwt=${JWT}&q=Bearer%20abc&n=1`, true, `ua fox_dt_secret`),
  );
  const text = JSON.stringify(r, (_k, v: unknown) => (typeof v === "bigint" ? String(v) : v));
  assert.ok(!text.includes("secret") && !text.includes("eyJ") && !text.includes("abc"), text);
  assert.deepEqual(r.query, { jwt: "<redacted>", q: "Bearer <redacted>", n: "1" });
  assert.equal(r.authorization, "DeviceToken <redacted>");
});

test("unauthenticated requests are recorded short: cut path, no query, no user agent", () => {
  const r = recordRequest(facts(`/${"p".repeat(15_000)}?q=${"v".repeat(15_000)}`, false, "x"));
  assert.equal(r.path.length, 257);
  assert.deepEqual(r.query, {});
  assert.equal(r.userAgent, undefined);
  assert.ok(recordBytes(r) < 1024, String(recordBytes(r)));
});

test("authenticated records keep at most 32 query values of at most 1024 characters", () => {
  const many = Array.from({ length: 100 }, (_, i) => `k${i}=${"v".repeat(5000)}`).join("&");
  const r = recordRequest(facts(`/?${many}`, true));
  assert.equal(Object.keys(r.query).length, 32);
  assert.ok(Object.values(r.query).every((v) => v.length <= 1025));
});

test("the log drops the oldest records past its byte budget", () => {
  const one = recordBytes(record(1));
  const log = new RequestLog(1000, one * 3);
  for (let i = 1; i <= 10; i++) log.push(record(log.nextSeq()));
  assert.deepEqual(
    log.list().map((r) => r.seq),
    [8, 9, 10],
  );
  assert.equal(log.bytes, one * 3);
  for (let i = 0; i < 5000; i++) log.push(record(log.nextSeq()));
  assert.equal(log.list().length, 3);
  assert.ok(log.bytes <= one * 3);
});

test("the log keeps the newest records up to its capacity", () => {
  const log = new RequestLog(2);
  for (let i = 0; i < 3; i++) {
    log.push(record(log.nextSeq()));
  }
  assert.deepEqual(
    log.list().map((r) => r.seq),
    [2, 3],
  );
  log.clear();
  assert.equal(log.list().length, 0);
  assert.equal(log.bytes, 0);
  assert.equal(log.nextSeq(), 4);
});
