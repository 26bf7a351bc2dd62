// The public surface of `foxglove-remote/viewer`: a deliberate, curated list of runtime exports.
// A new export must be added here on purpose (and documented in docs/viewer.md).
import assert from "node:assert/strict";
import { test } from "node:test";
import * as viewer from "../src/viewer/index.js";

const EXPECTED = [
  "CapabilityError",
  "ClientPublisher",
  "DEFAULT_SUBSCRIPTION_QUEUE_SIZE",
  "DEFAULT_UPDATE_QUEUE_SIZE",
  "EMPTY_CONNECTION_GRAPH",
  "Feed",
  "MAX_PUBLISH_BACKLOG_BYTES",
  "MAX_REQUESTS_IN_FLIGHT",
  "ServiceCallError",
  "Subscription",
  "UpdateSubscription",
  "VideoFrameSubscription",
  "Viewer",
  "applyConnectionGraphUpdate",
  "connectViewer",
  "decodePointCloud",
  "isCompressedPointCloudChannel",
  "requestViewerCredentials",
  "shutdownLiveKit",
];

test("foxglove-remote/viewer exports exactly the curated runtime names", () => {
  assert.deepEqual(Object.keys(viewer).sort(), EXPECTED);
});

test("the typed errors are FoxgloveErrors with a code, usable without a connection", () => {
  const missing = new viewer.CapabilityError("services", "service calls");
  assert.equal(missing.code, "ERR_CAPABILITY");
  assert.equal(missing.capability, "services");
  const failed = viewer.ServiceCallError.fromFailure("/reset", "Unknown service");
  assert.equal(failed.reason, viewer.ServiceCallError.Reason.UNKNOWN_SERVICE);
  assert.equal(failed.code, viewer.ServiceCallError.Code.unknownService);
  assert.equal(failed.deviceMessage, "Unknown service");
});
