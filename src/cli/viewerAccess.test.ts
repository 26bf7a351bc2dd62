import assert from "node:assert/strict";
import { createServer } from "node:http";
import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { test } from "node:test";
import { DEFAULT_VIEWER_API_URL, resolveDevice, viewerAccessFrom } from "./viewerAccess.js";

test("flags win over environment variables, which win over defaults", () => {
  assert.deepEqual(viewerAccessFrom({}, {}), { apiUrl: DEFAULT_VIEWER_API_URL, device: "" });
  const env = {
    FOXGLOVE_API_URL: "http://env:1",
    FOXGLOVE_DEVICE: "env-dev",
    FOXGLOVE_VIEWER_KEY: "env-key",
  };
  assert.deepEqual(viewerAccessFrom({}, env), {
    apiUrl: "http://env:1",
    device: "env-dev",
    viewerKey: "env-key",
  });
  assert.deepEqual(
    viewerAccessFrom({ apiUrl: "http://flag:2", device: "d", viewerKey: "k" }, env),
    { apiUrl: "http://flag:2", device: "d", viewerKey: "k" },
  );
  assert.equal(viewerAccessFrom({}, { FOXGLOVE_DEVICE: "" }).device, "");
});

test("without --device, the server's only device is used; several devices are an error", async () => {
  let devices = [{ id: "dev_a", name: "a" }];
  let auth: string | undefined;
  const server = createServer((req, res) => {
    auth = req.headers.authorization;
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify({ devices }));
  }).listen(0, "127.0.0.1");
  await once(server, "listening");
  const apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    assert.equal((await resolveDevice({ apiUrl, device: "", viewerKey: "k" })).device, "dev_a");
    assert.equal(auth, "Bearer k");
    assert.equal((await resolveDevice({ apiUrl, device: "given" })).device, "given");
    devices = [...devices, { id: "dev_b", name: "b" }];
    await assert.rejects(
      resolveDevice({ apiUrl, device: "" }),
      (e: Error & { code?: string }) =>
        e.code === "ERR_VALUE" && /dev_a \(a\), dev_b \(b\)/.test(e.message),
    );
  } finally {
    server.close();
  }
  // A port nobody listens on (free a moment ago): the errno is named.
  const free = createServer().listen(0, "127.0.0.1");
  await once(free, "listening");
  const refusedUrl = `http://127.0.0.1:${(free.address() as AddressInfo).port}`;
  free.close();
  await once(free, "close");
  const refused = { apiUrl: refusedUrl, device: "" };
  await assert.rejects(resolveDevice(refused), (e: Error & { code?: string }) => {
    assert.equal(e.code, "ERR_API");
    assert.match(
      e.message,
      /cannot list the devices at http:\/\/127\.0\.0\.1:\d+\/viewer\/v1\/devices: .*ECONNREFUSED/,
    );
    return true;
  });
});

test("the URL of another service, or one without a scheme, gets an error naming the cause", async () => {
  const server = createServer((_req, res) => {
    res.statusCode = 404;
    res.end("<html>not found</html>");
  }).listen(0, "127.0.0.1");
  await once(server, "listening");
  const apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    await assert.rejects(resolveDevice({ apiUrl, device: "" }), (e: Error) => {
      assert.match(
        e.message,
        new RegExp(`${apiUrl}/viewer/v1/devices: HTTP 404; is this a foxglove-remote api-server`),
      );
      return true;
    });
  } finally {
    server.close();
  }
  await assert.rejects(resolveDevice({ apiUrl: "localhost:8780", device: "" }), {
    code: "ERR_VALUE",
    message:
      '--api-url "localhost:8780" is not an http:// or https:// URL; did you mean "http://localhost:8780"?',
  });
});
