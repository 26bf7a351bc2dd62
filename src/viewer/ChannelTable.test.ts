import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { AdvertisedChannel } from "../protocol/index.js";
import { ChannelTable } from "./ChannelTable.js";
import { toViewerChannel } from "./ViewerChannel.js";

const ch = (
  id: number,
  topic: string,
  extra: Partial<AdvertisedChannel> = {},
): AdvertisedChannel => ({
  id,
  topic,
  encoding: "json",
  schemaName: "",
  schema: "",
  ...extra,
});

describe("toViewerChannel", () => {
  test("decodes base64 for protobuf schemas and keeps text schemas as UTF-8", () => {
    const pb = toViewerChannel(
      ch(1, "/pb", {
        encoding: "protobuf",
        schemaName: "a.B",
        schemaEncoding: "protobuf",
        schema: "3q2+7w==",
      }),
    );
    assert.deepEqual([...pb.schema!.data], [0xde, 0xad, 0xbe, 0xef]);
    assert.equal(pb.schema!.name, "a.B");
    assert.equal(pb.messageEncoding, "protobuf");
    const js = toViewerChannel(
      ch(2, "/js", { schemaName: "S", schemaEncoding: "jsonschema", schema: '{"type":"object"}' }),
    );
    assert.equal(new TextDecoder().decode(js.schema!.data), '{"type":"object"}');
    assert.equal(toViewerChannel(ch(3, "/none")).schema, undefined);
  });

  test("reads the reliable and video flags from the metadata", () => {
    const c = toViewerChannel(
      ch(1, "/x", { metadata: { "foxglove.reliable": "true", "foxglove.hasVideoTrack": "true" } }),
    );
    assert.equal(c.reliable, true);
    assert.equal(c.hasVideoTrack, true);
    assert.equal(Object.isFrozen(c.metadata), true);
    const d = toViewerChannel(ch(2, "/y", { metadata: { "foxglove.reliable": "false" } }));
    assert.equal(d.reliable, false);
    assert.equal(d.hasVideoTrack, false);
  });

  test("rejects invalid base64 with ERR_DECODE", () => {
    assert.throws(
      () =>
        toViewerChannel(
          ch(1, "/pb", { schemaEncoding: "protobuf", schemaName: "x", schema: "!!" }),
        ),
      { code: "ERR_DECODE" },
    );
  });
});

describe("ChannelTable", () => {
  test("adds, replaces and indexes channels by topic", () => {
    const t = new ChannelTable();
    const r1 = t.advertise([ch(2, "/b"), ch(1, "/a")]);
    assert.deepEqual(
      r1.change.added.map((c) => c.id),
      [2, 1],
    );
    assert.deepEqual(
      t.list().map((c) => c.id),
      [1, 2],
    );
    const r2 = t.advertise([ch(1, "/a2"), ch(3, "/b")]);
    assert.deepEqual(
      r2.change.replaced.map((c) => c.topic),
      ["/a2"],
    );
    assert.deepEqual(
      r2.change.added.map((c) => c.id),
      [3],
    );
    assert.deepEqual(t.byTopic("/a"), []);
    assert.deepEqual(
      t.byTopic("/a2").map((c) => c.id),
      [1],
    );
    assert.deepEqual(
      t.byTopic("/b").map((c) => c.id),
      [2, 3],
    );
    assert.equal(t.size, 3);
  });

  test("an id repeated in one advertise counts once, with the last description", () => {
    const t = new ChannelTable();
    const r = t.advertise([ch(1, "/a"), ch(1, "/z")]);
    assert.deepEqual(
      r.change.added.map((c) => c.topic),
      ["/z"],
    );
    assert.deepEqual(r.change.replaced, []);
    assert.deepEqual(t.byTopic("/a"), []);
    const r2 = t.advertise([ch(1, "/y"), ch(1, "/w")]);
    assert.deepEqual(
      r2.change.replaced.map((c) => c.topic),
      ["/w"],
    );
  });

  test("skips entries with a bad schema and applies the others", () => {
    const t = new ChannelTable();
    const r = t.advertise([
      ch(1, "/bad", { schemaEncoding: "protobuf", schemaName: "x", schema: "%%%" }),
      ch(2, "/good"),
    ]);
    assert.equal(r.errors.length, 1);
    assert.equal(r.errors[0]!.code, "ERR_DECODE");
    assert.deepEqual(
      t.list().map((c) => c.id),
      [2],
    );
  });

  test("unadvertise removes known ids and ignores unknown ones; clear forgets everything", () => {
    const t = new ChannelTable();
    t.advertise([ch(1, "/a"), ch(2, "/b")]);
    assert.deepEqual(
      t.unadvertise([2, 9]).removed.map((c) => c.id),
      [2],
    );
    assert.deepEqual(t.byTopic("/b"), []);
    assert.deepEqual(t.unadvertise([2]).removed, []);
    assert.deepEqual(
      t.clear().removed.map((c) => c.id),
      [1],
    );
    assert.equal(t.size, 0);
    assert.equal(t.get(1), undefined);
  });
});
