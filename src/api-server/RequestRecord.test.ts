import assert from "node:assert/strict";
import { test } from "node:test";
import { redactAuthorization, redactQuery, RequestLog } from "./RequestRecord.js";

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

test("the log keeps the newest records up to its capacity", () => {
  const log = new RequestLog(2);
  for (let i = 0; i < 3; i++) {
    const seq = log.nextSeq();
    log.push({
      seq,
      timeNs: 0n,
      method: "GET",
      path: "/",
      query: {},
      endpoint: undefined,
      status: 404,
      deviceId: undefined,
      authorization: undefined,
      userAgent: undefined,
      watchLeaseId: undefined,
      fault: undefined,
    });
  }
  assert.deepEqual(
    log.list().map((r) => r.seq),
    [2, 3],
  );
  log.clear();
  assert.equal(log.list().length, 0);
  assert.equal(log.nextSeq(), 4);
});
