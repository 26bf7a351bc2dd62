import assert from "node:assert/strict";
import { test } from "node:test";
import { ClientChannels } from "./ClientChannels.js";

test("client channels: duplicate insert is a no-op, remove returns the descriptor", () => {
  const cc = new ClientChannels<{ id: number; topic: string }>();
  assert.equal(cc.insert(101, { id: 1, topic: "/a" }), true);
  assert.equal(cc.insert(101, { id: 1, topic: "/other" }), false);
  assert.equal(cc.get(101, 1)?.topic, "/a");
  assert.equal(cc.insert(102, { id: 1, topic: "/b" }), true); // IDs are per viewer
  assert.equal(cc.remove(101, 1)?.topic, "/a");
  assert.equal(cc.remove(101, 1), undefined);
  assert.equal(cc.get(101, 9), undefined);
  assert.equal(cc.get(126, 1), undefined);
});

test("client channels: cleanup of a viewer returns all its channels and forgets them", () => {
  const cc = new ClientChannels<{ id: number }>();
  cc.insert(101, { id: 1 });
  cc.insert(101, { id: 2 });
  cc.insert(102, { id: 3 });
  assert.deepEqual(
    cc.removeAll(101).map((c) => c.id),
    [1, 2],
  );
  assert.equal(cc.has(101), false);
  assert.deepEqual(cc.removeAll(101), []);
  assert.equal(cc.get(102, 3)?.id, 3);
});
