import assert from "node:assert/strict";
import { once } from "node:events";
import { createServer, type AddressInfo } from "node:net";
import { test } from "node:test";
import { describeError, httpUrlProblem } from "./describeError.js";

test("describeError shows the errno hidden in the cause chain", async () => {
  const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), {
    code: "ECONNREFUSED",
  });
  assert.equal(
    describeError(new TypeError("fetch failed", { cause: refused })),
    "fetch failed: connect ECONNREFUSED 127.0.0.1:1",
  );
  const aggregate = Object.assign(new AggregateError([], ""), { code: "ECONNREFUSED" });
  assert.equal(
    describeError(new TypeError("fetch failed", { cause: aggregate })),
    "fetch failed: ECONNREFUSED",
  );
  // A real refused fetch: a port that was just free.
  const server = createServer().listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, "close");
  const real = await fetch(`http://127.0.0.1:${port}/`).catch((e: unknown) => e);
  assert.match(describeError(real), /ECONNREFUSED/);
});

test("httpUrlProblem accepts http(s) URLs and suggests a scheme for host:port", () => {
  assert.equal(httpUrlProblem("http://127.0.0.1:8780"), undefined);
  assert.equal(httpUrlProblem("https://api.foxglove.dev/"), undefined);
  assert.equal(
    httpUrlProblem("localhost:8780"),
    '"localhost:8780" is not an http:// or https:// URL; did you mean "http://localhost:8780"?',
  );
  assert.equal(httpUrlProblem("ws://x"), '"ws://x" is not an http:// or https:// URL');
  assert.equal(httpUrlProblem(""), '"" is not an http:// or https:// URL');
});
