import assert from "node:assert/strict";
import { test } from "node:test";
import { ClientChannels } from "./ClientChannels.js";

test("client channels: duplicate insert is a no-op, remove returns the descriptor", () => {
  const cc = new ClientChannels<{ id: number; topic: string }>();
  assert.equal(cc.insert("A", { id: 1, topic: "/a" }), true);
  assert.equal(cc.insert("A", { id: 1, topic: "/other" }), false);
  assert.equal(cc.get("A", 1)?.topic, "/a");
  assert.equal(cc.insert("B", { id: 1, topic: "/b" }), true); // IDs are per viewer
  assert.equal(cc.remove("A", 1)?.topic, "/a");
  assert.equal(cc.remove("A", 1), undefined);
  assert.equal(cc.get("A", 9), undefined);
  assert.equal(cc.get("Z", 1), undefined);
});

test("client channels: cleanup of a viewer returns all its channels and forgets them", () => {
  const cc = new ClientChannels<{ id: number }>();
  cc.insert("A", { id: 1 });
  cc.insert("A", { id: 2 });
  cc.insert("B", { id: 3 });
  assert.deepEqual(
    cc.removeAll("A").map((c) => c.id),
    [1, 2],
  );
  assert.equal(cc.has("A"), false);
  assert.deepEqual(cc.removeAll("A"), []);
  assert.equal(cc.get("B", 3)?.id, 3);
});
