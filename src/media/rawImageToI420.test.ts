import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { isFoxgloveError } from "../core/FoxgloveError.js";
import { parseRawPixelFormat, rawImageToI420, type RawImageInput } from "./rawImageToI420.js";
import { yuv709 } from "./testing/bt709.js";

// Expected values are computed here from the textbook BT.709 limited-range formulas in floating
// point, independently of the fixed-point code under test; results may differ by 1.

type Rgb = [number, number, number];

interface Planes {
  y: number[];
  u: number[];
  v: number[];
}

/** Expected I420 of an RGB picture given per pixel, cropped to even. */
function expectedFromRgb(
  width: number,
  height: number,
  pixel: (x: number, y: number) => Rgb,
): Planes {
  const w = width & ~1;
  const h = height & ~1;
  const out: Planes = { y: [], u: [], v: [] };
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      out.y.push(yuv709(...pixel(x, y))[0]);
    }
  }
  for (let y = 0; y < h; y += 2) {
    for (let x = 0; x < w; x += 2) {
      const sum: Rgb = [0, 0, 0];
      for (const [dx, dy] of [
        [0, 0],
        [1, 0],
        [0, 1],
        [1, 1],
      ] as const) {
        const p = pixel(x + dx, y + dy);
        sum[0] += p[0] / 4;
        sum[1] += p[1] / 4;
        sum[2] += p[2] / 4;
      }
      const [, u, v] = yuv709(...sum);
      out.u.push(u);
      out.v.push(v);
    }
  }
  return out;
}

function assertPlanes(
  actual: { width: number; height: number; data: Uint8Array },
  expected: Planes,
  tolerance: number,
) {
  const w = actual.width;
  const h = actual.height;
  assert.equal(actual.data.length, (w * h * 3) / 2, "I420 size");
  const planes: [string, number[], number][] = [
    ["Y", expected.y, 0],
    ["U", expected.u, w * h],
    ["V", expected.v, w * h + (w / 2) * (h / 2)],
  ];
  for (const [name, values, offset] of planes) {
    assert.equal(values.length, name === "Y" ? w * h : (w * h) / 4, `${name} plane size`);
    values.forEach((want, i) => {
      const got = actual.data[offset + i]!;
      if (Math.abs(got - want) > tolerance) {
        assert.fail(`${name}[${i}] = ${got}, expected ${want.toFixed(2)} ± ${tolerance}`);
      }
    });
  }
}

/** A deterministic pseudo-random byte sequence. */
function noise(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s & 0xff;
  };
}

/** Builds a padded image: `padding` junk bytes after each row (and a junk tail). */
function padded(
  height: number,
  rowBytes: number,
  padding: number,
  fill: (row: Uint8Array, y: number) => void,
  extraRows = 0,
): { step: number; data: Uint8Array } {
  const step = rowBytes + padding;
  const data = new Uint8Array(step * (height + extraRows) + 5).fill(0xab);
  for (let y = 0; y < height + extraRows; y++) {
    fill(data.subarray(y * step, y * step + rowBytes), y);
  }
  return { step, data };
}

// Sizes: even, odd width, odd height, both odd, and a width that is not a multiple of 4 (the
// word-wise rgb8 kernel leaves it to the byte-wise one); each without and with row padding (2
// keeps 18-pixel rgb8 rows 4-byte aligned); widths from 16 up also run the WebAssembly kernel
// (multiples of 16 columns) with the JS kernels doing the rest.
const SIZES: [number, number][] = [
  [16, 8],
  [17, 8],
  [16, 9],
  [21, 13],
  [18, 6],
  [48, 6],
  [53, 5],
];
const PADDINGS = [0, 2, 7];

describe("packed RGB formats", () => {
  const layouts: [string, number, number[]][] = [
    ["rgb8", 3, [0, 1, 2]],
    ["rgba8", 4, [0, 1, 2]],
    ["bgr8", 3, [2, 1, 0]],
    ["8UC3", 3, [2, 1, 0]],
    ["bgra8", 4, [2, 1, 0]],
  ];
  for (const [encoding, bpp, [ro, go, bo]] of layouts) {
    for (const [width, height] of SIZES) {
      for (const padding of PADDINGS) {
        test(`${encoding} ${width}x${height} padding ${padding}`, () => {
          const next = noise(width * 131 + height + padding);
          const rgb = Array.from({ length: width * height }, (): Rgb => [next(), next(), next()]);
          const pixel = (x: number, y: number) => rgb[y * width + x]!;
          const { step, data } = padded(height, width * bpp, padding, (row, y) => {
            for (let x = 0; x < width; x++) {
              const [r, g, b] = pixel(x, y);
              row[x * bpp + ro!] = r;
              row[x * bpp + go!] = g;
              row[x * bpp + bo!] = b;
              if (bpp === 4) {
                row[x * bpp + 3] = next();
              }
            }
          });
          const out = rawImageToI420({ width, height, encoding, step, data });
          assert.deepEqual([out.width, out.height], [width & ~1, height & ~1]);
          assertPlanes(out, expectedFromRgb(width, height, pixel), 1);
          // The same pixels at an odd byte offset (no word-wise reads) convert identically.
          const shifted = new Uint8Array(data.length + 1);
          shifted.set(data, 1);
          const view = shifted.subarray(1);
          assert.deepEqual(
            rawImageToI420({ width, height, encoding, step, data: view }).data,
            out.data,
          );
        });
      }
    }
  }

  test("primary colours land where BT.709 puts them", () => {
    const data = new Uint8Array([255, 0, 0, 255, 0, 0, 255, 0, 0, 255, 0, 0]);
    const out = rawImageToI420({ width: 2, height: 2, encoding: "rgb8", step: 6, data });
    // BT.709 limited range red: Y 63, U 102, V 240 (BT.601 would give Y 82).
    assert.deepEqual([...out.data], [63, 63, 63, 63, 102, 240]);
  });
});

describe("mono formats", () => {
  const grey = (v: number) => 16 + v * 219;
  for (const [width, height] of SIZES) {
    for (const padding of PADDINGS) {
      test(`mono8 ${width}x${height} padding ${padding}`, () => {
        const next = noise(width + padding);
        const values = Array.from({ length: width * height }, next);
        const { step, data } = padded(height, width, padding, (row, y) => {
          row.set(values.slice(y * width, (y + 1) * width));
        });
        for (const encoding of ["mono8", "8UC1"]) {
          const out = rawImageToI420({ width, height, encoding, step, data });
          const w = width & ~1;
          const h = height & ~1;
          const ys: number[] = [];
          for (let y = 0; y < h; y++) {
            for (let x = 0; x < w; x++) {
              ys.push(grey(values[y * width + x]! / 255));
            }
          }
          assertPlanes(
            out,
            {
              y: ys,
              u: Array<number>((w * h) / 4).fill(128),
              v: Array<number>((w * h) / 4).fill(128),
            },
            0.5,
          );
        }
      });

      for (const bigEndian of [false, true]) {
        test(`mono16 ${bigEndian ? "BE" : "LE"} ${width}x${height} padding ${padding}`, () => {
          const next = noise(width * 7 + padding + (bigEndian ? 1 : 0));
          const values = Array.from({ length: width * height }, () => (next() << 8) | next());
          values[0] = 65535;
          values[1] = 0;
          const { step, data } = padded(height, width * 2, padding, (row, y) => {
            const view = new DataView(row.buffer, row.byteOffset, row.byteLength);
            for (let x = 0; x < width; x++) {
              view.setUint16(2 * x, values[y * width + x]!, !bigEndian);
            }
          });
          for (const encoding of ["mono16", "16UC1"]) {
            const out = rawImageToI420({ width, height, encoding, step, data, bigEndian });
            const w = width & ~1;
            const h = height & ~1;
            const ys: number[] = [];
            for (let y = 0; y < h; y++) {
              for (let x = 0; x < w; x++) {
                ys.push(grey(values[y * width + x]! / 65535));
              }
            }
            assertPlanes(
              out,
              {
                y: ys,
                u: Array<number>((w * h) / 4).fill(128),
                v: Array<number>((w * h) / 4).fill(128),
              },
              0.5,
            );
            assert.equal(out.data[0], 235);
            assert.equal(out.data[1], 16);
          }
        });

        test(`32FC1 ${bigEndian ? "BE" : "LE"} ${width}x${height} padding ${padding}`, () => {
          const next = noise(width * 5 + padding + (bigEndian ? 1 : 0));
          // Values from -0.5 to 1.5 so that clamping is exercised.
          const values = Array.from({ length: width * height }, () =>
            Math.fround(next() / 127.5 - 0.5),
          );
          const { step, data } = padded(height, width * 4, padding, (row, y) => {
            const view = new DataView(row.buffer, row.byteOffset, row.byteLength);
            for (let x = 0; x < width; x++) {
              view.setFloat32(4 * x, values[y * width + x]!, !bigEndian);
            }
          });
          const out = rawImageToI420({ width, height, encoding: "32FC1", step, data, bigEndian });
          const w = width & ~1;
          const h = height & ~1;
          const ys: number[] = [];
          for (let y = 0; y < h; y++) {
            for (let x = 0; x < w; x++) {
              ys.push(grey(Math.min(1, Math.max(0, values[y * width + x]!))));
            }
          }
          assertPlanes(
            out,
            {
              y: ys,
              u: Array<number>((w * h) / 4).fill(128),
              v: Array<number>((w * h) / 4).fill(128),
            },
            0.5,
          );
        });
      }
    }
  }
});

describe("Bayer formats", () => {
  // Colour at each position of a 2x2 cell, row by row.
  const patterns: Record<string, string> = {
    bayer_rggb8: "RGGB",
    bayer_bggr8: "BGGR",
    bayer_gbrg8: "GBRG",
    bayer_grbg8: "GRBG",
  };
  for (const [encoding, pattern] of Object.entries(patterns)) {
    for (const [width, height] of SIZES) {
      for (const padding of PADDINGS) {
        test(`${encoding} ${width}x${height} padding ${padding}`, () => {
          const next = noise(width * 3 + height + padding + encoding.length);
          const mosaic = Array.from({ length: width * height }, next);
          const { step, data } = padded(height, width, padding, (row, y) => {
            row.set(mosaic.slice(y * width, (y + 1) * width));
          });
          // Demosaic as the spec describes, written out per pixel.
          const pixel = (x: number, y: number): Rgb => {
            const cx = x & ~1;
            const cy = y & ~1;
            const cell = [0, 1, 2, 3].map((i) => mosaic[(cy + (i >> 1)) * width + cx + (i & 1)]!);
            const r = cell[pattern.indexOf("R")]!;
            const b = cell[pattern.indexOf("B")]!;
            const row = y - cy;
            const g = pattern[2 * row] === "G" ? cell[2 * row]! : cell[2 * row + 1]!;
            return [r, g, b];
          };
          const out = rawImageToI420({ width, height, encoding, step, data });
          assertPlanes(out, expectedFromRgb(width, height, pixel), 1);
        });
      }
    }
  }
});

describe("YUV formats", () => {
  const evenSizes: [number, number][] = [
    [16, 8],
    [18, 9],
  ];
  for (const [encoding, order] of [
    ["yuyv", "YUYV"],
    ["yuv422_yuy2", "YUYV"],
    ["uyvy", "UYVY"],
    ["yuv422", "UYVY"],
  ] as const) {
    for (const [width, height] of evenSizes) {
      for (const padding of PADDINGS) {
        test(`${encoding} ${width}x${height} padding ${padding}`, () => {
          const next = noise(width + height + padding + encoding.length);
          const bytes = Array.from({ length: width * 2 * height }, next);
          const { step, data } = padded(height, width * 2, padding, (row, y) => {
            row.set(bytes.slice(y * width * 2, (y + 1) * width * 2));
          });
          const at = (x: number, y: number, c: "Y" | "U" | "V", second = false) => {
            const macro = y * width * 2 + (x >> 1) * 4;
            const i = c === "Y" ? order.indexOf("Y") + (second ? 2 : 0) : order.indexOf(c);
            return bytes[macro + i]!;
          };
          const w = width;
          const h = height & ~1;
          const expected: Planes = { y: [], u: [], v: [] };
          for (let y = 0; y < h; y++) {
            for (let x = 0; x < w; x++) {
              expected.y.push(at(x, y, "Y", (x & 1) === 1));
            }
          }
          for (let y = 0; y < h; y += 2) {
            for (let x = 0; x < w; x += 2) {
              expected.u.push((at(x, y, "U") + at(x, y + 1, "U")) / 2);
              expected.v.push((at(x, y, "V") + at(x, y + 1, "V")) / 2);
            }
          }
          assertPlanes(rawImageToI420({ width, height, encoding, step, data }), expected, 0.5);
        });
      }
    }
  }

  for (const padding of PADDINGS) {
    test(`nv12 16x8 padding ${padding}`, () => {
      const width = 16;
      const height = 8;
      const next = noise(99 + padding);
      const luma = Array.from({ length: width * height }, next);
      const chroma = Array.from({ length: (width * height) / 2 }, next);
      const { step, data } = padded(
        height,
        width,
        padding,
        (row, y) => {
          row.set(
            y < height
              ? luma.slice(y * width, (y + 1) * width)
              : chroma.slice((y - height) * width, (y - height + 1) * width),
          );
        },
        height / 2,
      );
      const expected: Planes = {
        y: luma,
        u: chroma.filter((_, i) => i % 2 === 0),
        v: chroma.filter((_, i) => i % 2 === 1),
      };
      assertPlanes(rawImageToI420({ width, height, encoding: "nv12", step, data }), expected, 0);
    });
  }
});

describe("validation", () => {
  const base: RawImageInput = {
    width: 4,
    height: 4,
    encoding: "rgb8",
    step: 12,
    data: new Uint8Array(48),
  };
  const rejects = (image: Partial<RawImageInput>, code: string, pattern: RegExp) =>
    assert.throws(
      () => rawImageToI420({ ...base, ...image }),
      (e: unknown) => isFoxgloveError(e) && e.code === code && pattern.test(e.message),
    );

  test("unknown encodings are a decode error", () => {
    rejects({ encoding: "rgb16" }, "ERR_DECODE", /unsupported raw image encoding "rgb16"/);
    rejects({ encoding: "RGB8" }, "ERR_DECODE", /unsupported/);
  });
  test("zero-sized and too-small images are rejected", () => {
    rejects({ width: 0 }, "ERR_VALUE", /whole numbers/);
    rejects({ width: 1, step: 3 }, "ERR_VALUE", /empty once cropped/);
    rejects({ height: 2.5 }, "ERR_VALUE", /whole numbers/);
  });
  test("a step shorter than a row is rejected", () => {
    rejects({ width: 3, step: 8 }, "ERR_VALUE", /step of at least 9, got 8/);
  });
  test("too little data is rejected", () => {
    rejects({ data: new Uint8Array(47) }, "ERR_VALUE", /needs 48 bytes, got 47/);
    rejects({ encoding: "nv12", step: 4, data: new Uint8Array(23) }, "ERR_VALUE", /needs 24 bytes/);
  });
  test("packed 4:2:2 needs an even width and nv12 even sides", () => {
    rejects({ encoding: "yuyv", width: 3, step: 6 }, "ERR_VALUE", /even width/);
    rejects({ encoding: "nv12", height: 3, step: 4 }, "ERR_VALUE", /even height/);
  });
  test("an output buffer of the right size is reused", () => {
    const first = rawImageToI420(base);
    assert.equal(rawImageToI420(base, first), first);
    assert.notEqual(rawImageToI420({ ...base, width: 2, step: 6 }, first), first);
  });
  test("encoding names parse to canonical formats", () => {
    assert.equal(parseRawPixelFormat("16UC1"), "mono16");
    assert.equal(parseRawPixelFormat("yuv422"), "uyvy");
    assert.equal(parseRawPixelFormat("toString"), undefined);
  });
});
