import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { AdvertiseBroadcast } from "./AdvertiseBroadcast.js";
import { SchemaTable } from "./SchemaTable.js";
import { SchemaTableReader } from "./SchemaTableReader.js";
import { decodeServerJson, encodeServerJson } from "./serverJsonCodec.js";
import type { AdvertisedChannel, ServerAdvertise } from "./ServerJsonMessage.js";

function channel(
  id: number,
  schemaName: string,
  schema = `{"title":"${schemaName}"}`,
): AdvertisedChannel {
  return schemaName === ""
    ? { id, topic: `/t${id}`, encoding: "json", schemaName: "", schema: "" }
    : { id, topic: `/t${id}`, encoding: "json", schemaName, schemaEncoding: "jsonschema", schema };
}
const advertise = (...channels: AdvertisedChannel[]): ServerAdvertise => ({
  op: "advertise",
  channels,
});
const ids = (text: string): (number | undefined)[] => {
  const m = decodeServerJson(text);
  assert.ok(m.op === "advertise" && "schemas" in m, text);
  return m.channels.map((c) => c.schemaId);
};
const schemaNames = (text: string): [number, string][] => {
  const m = decodeServerJson(text);
  assert.ok(m.op === "advertise" && "schemas" in m, text);
  return m.schemas.map((s) => [s.id, s.name]);
};

describe("SchemaTable (delta 1.4)", () => {
  test("inline viewers get bytes identical to a plain encode; nobody needing inline builds none", () => {
    const ad = advertise(channel(1, "A"), channel(2, ""));
    const broadcast = new AdvertiseBroadcast(ad);
    assert.equal(broadcast.jsonFor(undefined), encodeServerJson(ad));
    assert.equal(broadcast.jsonFor(undefined), encodeServerJson(ad));

    const tableOnly = new AdvertiseBroadcast(ad);
    tableOnly.jsonFor(new SchemaTable());
    assert.equal(tableOnly.inlineEncoded, false);
  });

  test("deduplicates per participant across broadcasts; a late joiner gets its own ids", () => {
    const alice = new SchemaTable();
    const first = new AdvertiseBroadcast(
      advertise(channel(1, "A"), channel(2, "A"), channel(3, "")),
    );
    const a1 = first.jsonFor(alice);
    assert.deepEqual(schemaNames(a1), [[1, "A"]]);
    assert.deepEqual(ids(a1), [1, 1, undefined]);

    const second = new AdvertiseBroadcast(advertise(channel(4, "A"), channel(5, "B")));
    const a2 = second.jsonFor(alice);
    assert.deepEqual(schemaNames(a2), [[2, "B"]]);
    assert.deepEqual(ids(a2), [1, 2]);

    // Bob joins later: his initial advertisement lists every channel against his own table.
    const bob = new SchemaTable();
    const all = new AdvertiseBroadcast(
      advertise(channel(1, "A"), channel(2, "A"), channel(3, ""), channel(4, "A"), channel(5, "B")),
    );
    const b = all.jsonFor(bob);
    assert.deepEqual(schemaNames(b), [
      [1, "A"],
      [2, "B"],
    ]);
    assert.deepEqual(ids(b), [1, 1, undefined, 1, 2]);

    // Carol is inline: unchanged, and the JSON has no schema-table fields.
    const carol = decodeServerJson(all.jsonFor(undefined));
    assert.ok(carol.op === "advertise" && !("schemas" in carol));
    assert.equal(carol.channels[4]?.schemaName, "B");
  });

  test("omits schemas when all were sent before (encode_without_schemas snapshot)", () => {
    const table = new SchemaTable();
    table.deduplicate(advertise(channel(20, "t2-schema", '{"type": "object"}')));
    assert.equal(
      encodeServerJson(
        table.deduplicate(advertise(channel(20, "t2-schema", '{"type": "object"}'))),
      ),
      '{"op":"advertise","channels":[{"id":20,"topic":"/t20","encoding":"json","schemaId":1}]}',
    );
  });

  test("keeps ids after unadvertise: a re-advertised channel gets only its schemaId", () => {
    const table = new SchemaTable();
    table.deduplicate(advertise(channel(1, "A"), channel(2, "B")));
    // channel 2 is unadvertised (the table is not told); another B channel appears
    const again = table.deduplicate(advertise(channel(7, "B")));
    assert.deepEqual(again.schemas, []);
    assert.deepEqual(
      again.channels.map((c) => c.schemaId),
      [2],
    );
    assert.equal(table.size, 2);
  });

  test("is cleared on reset: ids restart at 1 and definitions are sent again", () => {
    const table = new SchemaTable();
    table.deduplicate(advertise(channel(1, "A"), channel(2, "B")));
    table.clear();
    const fresh = table.deduplicate(advertise(channel(2, "B")));
    assert.deepEqual(
      fresh.schemas.map((s) => [s.id, s.name]),
      [[1, "B"]],
    );
    assert.equal(fresh.channels[0]?.schemaId, 1);
  });

  test("distinguishes name, encoding and encoded data", () => {
    const table = new SchemaTable();
    const base: AdvertisedChannel = {
      id: 1,
      topic: "/a",
      encoding: "json",
      schemaName: "S",
      schemaEncoding: "jsonschema",
      schema: "{}",
    };
    const out = table.deduplicate(
      advertise(
        base,
        { ...base, id: 2, schemaEncoding: "other" },
        { ...base, id: 3, schema: "{ }" },
        { ...base, id: 4, schemaName: "T" },
        { ...base, id: 5 },
      ),
    );
    assert.deepEqual(
      out.channels.map((c) => c.schemaId),
      [1, 2, 3, 4, 1],
    );
  });

  test("a channel with only a schema name or only an encoding still has a schema", () => {
    const table = new SchemaTable();
    const out = table.deduplicate(
      advertise(
        { id: 1, topic: "/a", encoding: "json", schemaName: "N", schema: "" },
        { id: 2, topic: "/b", encoding: "json", schemaName: "", schemaEncoding: "x", schema: "" },
      ),
    );
    assert.deepEqual(out.schemas, [
      { id: 1, name: "N", encoding: "", data: "" },
      { id: 2, name: "", encoding: "x", data: "" },
    ]);
  });
});

describe("SchemaTableReader (delta 1.5)", () => {
  test("resolves a device's schema-table advertisements back to inline channels", () => {
    const device = new SchemaTable();
    const viewer = new SchemaTableReader();
    const first = advertise(channel(1, "A"), channel(2, ""), {
      id: 3,
      topic: "/p",
      encoding: "protobuf",
      schemaName: "P",
      schemaEncoding: "protobuf",
      schema: "3q2+7w==",
      metadata: { k: "v" },
    });
    const wire = decodeServerJson(encodeServerJson(device.deduplicate(first)));
    assert.ok(wire.op === "advertise");
    assert.deepEqual(viewer.read(wire), { channels: first.channels, errors: [] });
    const second = advertise(channel(9, "A"));
    const wire2 = decodeServerJson(encodeServerJson(device.deduplicate(second)));
    assert.ok(wire2.op === "advertise");
    assert.deepEqual(viewer.read(wire2).channels, second.channels);
  });

  test("an unknown schema id fails that channel only; clear forgets definitions", () => {
    const viewer = new SchemaTableReader();
    viewer.read({
      op: "advertise",
      schemas: [{ id: 1, name: "A", encoding: "jsonschema", data: "{}" }],
      channels: [{ id: 1, topic: "/a", encoding: "json", schemaId: 1 }],
    });
    viewer.clear();
    const { channels, errors } = viewer.read({
      op: "advertise",
      schemas: [],
      channels: [
        { id: 1, topic: "/a", encoding: "json", schemaId: 1 },
        { id: 2, topic: "/b", encoding: "json" },
      ],
    });
    assert.deepEqual(
      channels.map((c) => c.id),
      [2],
    );
    assert.equal(errors.length, 1);
    assert.equal(errors[0]?.code, "ERR_DECODE");
    assert.match(errors[0].message, /schema id 1/);
  });

  test("passes an inline advertisement through", () => {
    const ad = advertise(channel(1, "A"));
    assert.deepEqual(new SchemaTableReader().read(ad), { channels: ad.channels, errors: [] });
  });
});
