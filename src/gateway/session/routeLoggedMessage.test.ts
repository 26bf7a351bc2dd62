import assert from "node:assert/strict";
import { test } from "node:test";
import { routeLoggedMessage } from "./routeLoggedMessage.js";

test("logged messages route by QoS only when data subscribers exist", () => {
  assert.equal(routeLoggedMessage("lossy", 0), "none");
  assert.equal(routeLoggedMessage("lossy", 2), "lossy");
  assert.equal(routeLoggedMessage("reliable", 1), "reliable");
  assert.equal(routeLoggedMessage("lossy", 1, true), "none");
});
