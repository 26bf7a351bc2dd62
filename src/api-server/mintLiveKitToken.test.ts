import assert from "node:assert/strict";
import { test } from "node:test";
import { TokenVerifier } from "livekit-server-sdk";
import { isFoxgloveError } from "../core/FoxgloveError.js";
import { mintLiveKitToken } from "./mintLiveKitToken.js";

test("the token verifies and carries identity, room, grants and attributes", async () => {
  const jwt = await mintLiveKitToken({
    apiKey: "devkey",
    apiSecret: "secret",
    identity: "dev_x",
    room: "room-1",
    name: "X",
    attributes: { protocolVersion: "2.2.0" },
  });
  const claims = await new TokenVerifier("devkey", "secret").verify(jwt);
  assert.equal(claims.iss, "devkey");
  assert.equal(claims.sub, "dev_x");
  assert.equal(claims.name, "X");
  assert.deepEqual(claims.attributes, { protocolVersion: "2.2.0" });
  assert.equal(claims.video?.roomJoin, true);
  assert.equal(claims.video?.room, "room-1");
  assert.equal(claims.video?.canPublish, true);
  assert.equal(claims.video?.canSubscribe, true);
  assert.equal(claims.video?.canPublishData, true);
  assert.equal(claims.video?.roomAdmin, undefined);
  assert.equal(claims.video?.hidden, false);
  assert.equal((claims.exp ?? 0) - (claims.nbf ?? 0), 6 * 3600);
  await assert.rejects(new TokenVerifier("devkey", "other").verify(jwt));
});

test("ttl is configurable; no attributes when none are given", async () => {
  const jwt = await mintLiveKitToken({
    apiKey: "k",
    apiSecret: "s",
    identity: "v",
    room: "r",
    ttlSeconds: 60,
  });
  const claims = await new TokenVerifier("k", "s").verify(jwt);
  assert.equal((claims.exp ?? 0) - (claims.nbf ?? 0), 60);
  assert.equal(claims.attributes, undefined);
});

test("a token that cannot be signed is ERR_LIVEKIT", async () => {
  await assert.rejects(
    mintLiveKitToken({ apiKey: "", apiSecret: "", identity: "v", room: "r" }),
    (e: unknown) => isFoxgloveError(e, "ERR_LIVEKIT"),
  );
});
