import assert from "node:assert/strict";
import { test } from "node:test";
import { devServerConfig } from "./devServer.js";

test("the dev server config stays on loopback and points STUN at it", () => {
  const yaml = devServerConfig({
    port: 1,
    rtcTcpPort: 2,
    rtcUdpPort: 3,
    logLevel: "info",
    loopbackInterfaces: ["lo"],
  });
  assert.match(yaml, /^port: 1$/m);
  assert.match(yaml, /bind_addresses: \["127\.0\.0\.1"\]/);
  assert.match(yaml, /tcp_port: 2/);
  assert.match(yaml, /udp_port: 3/);
  assert.match(yaml, /node_ip: 127\.0\.0\.1/);
  assert.match(yaml, /use_external_ip: false/);
  assert.match(yaml, /includes: \["lo"\]/);
  assert.match(yaml, /stun_servers: \["127\.0\.0\.1:3"\]/);
});
