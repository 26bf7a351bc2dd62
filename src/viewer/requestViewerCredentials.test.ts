import assert from "node:assert/strict";
import { test } from "node:test";
import { parseCredentials, requestViewerCredentials } from "./requestViewerCredentials.js";

test("parseCredentials keeps the known fields and requires url, token and device identity", () => {
  assert.deepEqual(
    parseCredentials({
      livekitUrl: "ws://x",
      token: "t",
      deviceIdentity: "dev",
      viewerIdentity: "v",
      room: "r",
      remoteAccessSessionId: "ras",
      woke: true,
      extra: 1,
    }),
    {
      livekitUrl: "ws://x",
      token: "t",
      deviceIdentity: "dev",
      viewerIdentity: "v",
      room: "r",
      remoteAccessSessionId: "ras",
      woke: true,
    },
  );
  assert.throws(() => parseCredentials({ livekitUrl: "ws://x", token: 5, deviceIdentity: "d" }), {
    code: "ERR_API",
  });
  assert.throws(() => parseCredentials(null), { code: "ERR_API" });
});

test("bad URLs and missing devices are ERR_VALUE", async () => {
  await assert.rejects(requestViewerCredentials({ apiUrl: "not a url", device: "d" }), {
    code: "ERR_VALUE",
  });
  await assert.rejects(requestViewerCredentials({ apiUrl: "ftp://x", device: "d" }), {
    code: "ERR_VALUE",
  });
  await assert.rejects(requestViewerCredentials({ apiUrl: "http://127.0.0.1:1", device: "" }), {
    code: "ERR_VALUE",
  });
});
