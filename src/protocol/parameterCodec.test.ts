import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { decodeParameter, encodeParameter } from "./parameterCodec.js";
import type { Parameter } from "./Parameter.js";
import { parseJson } from "./parseJson.js";

const decode = (json: string): Parameter => decodeParameter(parseJson(json), "setParameters", "p");

describe("parameter encoding (api-sketch rules)", () => {
  const cases: [Parameter, string][] = [
    [{ name: "i", value: 3 }, '{"name":"i","value":3}'],
    [{ name: "i", value: -0.0 }, '{"name":"i","value":0}'],
    [
      { name: "big", value: 2 ** 60 },
      '{"name":"big","type":"float64","value":1152921504606847000.0}',
    ],
    [{ name: "big", value: 2n ** 60n }, '{"name":"big","value":1152921504606846976}'],
    [{ name: "b", value: -(2n ** 63n) }, '{"name":"b","value":-9223372036854775808}'],
    [{ name: "f", value: 1.5 }, '{"name":"f","type":"float64","value":1.5}'],
    [{ name: "f", value: 1e300 }, '{"name":"f","type":"float64","value":1e+300}'],
    [{ name: "f", type: "float64", value: 2 }, '{"name":"f","type":"float64","value":2.0}'],
    [{ name: "f", type: "float64", value: 2n }, '{"name":"f","type":"float64","value":2.0}'],
    [{ name: "f", type: "float64", value: -0 }, '{"name":"f","type":"float64","value":-0.0}'],
    [{ name: "a", value: [1, 2] }, '{"name":"a","value":[1,2]}'],
    [{ name: "a", value: [1, 2.5] }, '{"name":"a","type":"float64_array","value":[1.0,2.5]}'],
    [
      { name: "a", type: "float64_array", value: [1, 2] },
      '{"name":"a","type":"float64_array","value":[1.0,2.0]}',
    ],
    [{ name: "a", value: [] }, '{"name":"a","value":[]}'],
    [{ name: "a", value: [true, "x", [1.5]] }, '{"name":"a","value":[true,"x",[1.5]]}'],
    [
      { name: "u", value: new Uint8Array([16, 32, 48]) },
      '{"name":"u","type":"byte_array","value":"ECAw"}',
    ],
    [
      { name: "u", type: "byte_array", value: "ECAw" },
      '{"name":"u","type":"byte_array","value":"ECAw"}',
    ],
    [{ name: "d", value: { z: 1, a: { y: 0.5 } } }, '{"name":"d","value":{"a":{"y":0.5},"z":1}}'],
    [{ name: "s", value: '\u2028"' }, '{"name":"s","value":"\u2028\\""}'],
    [{ name: "unset" }, '{"name":"unset"}'],
    [{ name: "hint", type: "float64" }, '{"name":"hint","type":"float64"}'],
  ];
  for (const [p, json] of cases) {
    test(`${JSON.stringify(p, (_k, v: unknown) => (typeof v === "bigint" ? `${v}n` : v))}`, () => {
      assert.equal(encodeParameter(p), json);
    });
  }

  test("rejects values JSON or the protocol cannot carry", () => {
    const bad: Parameter[] = [
      { name: "n", value: NaN },
      { name: "n", value: Infinity },
      { name: "n", value: 2n ** 63n },
      { name: "n", type: "float64", value: "x" },
      { name: "n", type: "float64_array", value: [1, "x"] },
      { name: "n", type: "float64", value: new Uint8Array(1) },
      { name: "n", type: "byte_array", value: "not base64!" },
      { name: "n", value: { nested: new Uint8Array(1) } },
      { name: "n", value: null as unknown as number },
      { name: "n", value: new Date() as unknown as number },
      { name: "n", type: "int" as "float64", value: 1 },
      { name: 5 as unknown as string },
    ];
    for (const p of bad) {
      assert.throws(() => encodeParameter(p), { code: "ERR_ENCODE" }, String(p.name));
    }
  });

  test("a cyclic value fails with ERR_ENCODE, not a stack overflow", () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    assert.throws(() => encodeParameter({ name: "c", value: cyclic as never }), {
      code: "ERR_ENCODE",
      message: /nested too deeply/,
    });
  });
});

describe("parameter decoding (reference algorithm, spec 3.5)", () => {
  const cases: [string, Parameter][] = [
    ['{"name":"i","value":-4}', { name: "i", value: -4 }],
    ['{"name":"i","value":9007199254740993}', { name: "i", value: 9007199254740993n }],
    ['{"name":"i","value":9223372036854775807}', { name: "i", value: 2n ** 63n - 1n }],
    ['{"name":"f","value":9223372036854775808}', { name: "f", type: "float64", value: 2 ** 63 }],
    ['{"name":"f","value":1.0}', { name: "f", type: "float64", value: 1 }],
    ['{"name":"f","value":1e2}', { name: "f", type: "float64", value: 100 }],
    ['{"name":"f","type":"float64","value":3}', { name: "f", type: "float64", value: 3 }],
    ['{"name":"a","value":[1,2.5]}', { name: "a", type: "float64_array", value: [1, 2.5] }],
    ['{"name":"a","value":[1.0,2.0]}', { name: "a", type: "float64_array", value: [1, 2] }],
    [
      '{"name":"a","type":"float64_array","value":[1,2]}',
      { name: "a", type: "float64_array", value: [1, 2] },
    ],
    ['{"name":"a","value":[[1,"x"],{"k":1.5}]}', { name: "a", value: [[1, "x"], { k: 1.5 }] }],
    [
      '{"name":"u","type":"byte_array","value":""}',
      { name: "u", type: "byte_array", value: new Uint8Array(0) },
    ],
    ['{"name":"t","type":"float64"}', { name: "t", type: "float64" }],
    ['{"value":true,"name":"v"}', { name: "v", value: true }],
  ];
  for (const [json, p] of cases) {
    test(json, () => {
      assert.deepStrictEqual(decode(json), p);
      assert.deepStrictEqual(decode(encodeParameter(p)), p, "re-encoding preserves it");
    });
  }

  const invalid: [string, RegExp][] = [
    ['{"name":"x","value":null}', /must not be null/],
    ['{"name":"x","value":[1,null]}', /mixes numbers and non-numbers/],
    ['{"name":"x","value":[1,"a"]}', /mixes numbers and non-numbers/],
    ['{"name":"x","value":{"k":null}}', /p.value.k must not be null/],
    ['{"name":"x","type":"float64","value":"1"}', /must be a number/],
    ['{"name":"x","type":"float64_array","value":[1,true]}', /\[1\] must be a number/],
    ['{"name":"x","type":"float64_array","value":1}', /must be an array of numbers/],
    ['{"name":"x","type":"byte_array","value":"ECA"}', /valid standard base64/],
    ['{"name":"x","type":"byte_array","value":5}', /must be a base64 string/],
    ['{"name":"x","type":"int"}', /not a known parameter type/],
    ['{"name":"x","value":1e999}', /out of range/],
    ['{"name":"x","Value":1}', /unknown key/],
    ['{"value":1}', /name must be a string/],
    ["[]", /must be an object/],
  ];
  for (const [json, pattern] of invalid) {
    test(`rejects ${json}`, () => {
      assert.throws(() => decode(json), { code: "ERR_DECODE", message: pattern });
    });
  }
});
