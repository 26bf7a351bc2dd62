import assert from "node:assert/strict";
import { describe, test } from "node:test";
import sharp from "sharp";
import { isFoxgloveError } from "../core/FoxgloveError.js";
import { compressedImageToI420, parseImageCodec } from "./compressedImageToI420.js";
import { yuv709 } from "./testing/bt709.js";

describe("parseImageCodec", () => {
  test("bare codecs, trimmed and case-insensitive", () => {
    assert.equal(parseImageCodec("jpeg"), "jpeg");
    assert.equal(parseImageCodec("  JPG  "), "jpeg");
    assert.equal(parseImageCodec("png"), "png");
    assert.equal(parseImageCodec("WebP"), "webp");
  });
  test("the ROS image_transport form", () => {
    assert.equal(parseImageCodec("bgr8; jpeg compressed bgr8"), "jpeg");
    assert.equal(parseImageCodec("rgb8; PNG compressed"), "png");
    assert.equal(parseImageCodec("mono8; webp compressed mono8"), "webp");
  });
  test("anything else is unknown", () => {
    for (const format of [
      "gif",
      "rgb8; compressed jpeg",
      "png jpeg",
      "rgb8; png",
      "bgr8; jpeg compressed bgr8 extra",
      "16UC1; compressedDepth png",
      "16UC1; png compressedDepth",
      "",
      "toString",
    ]) {
      assert.equal(parseImageCodec(format), undefined, format);
    }
  });
});

/** A test picture: four solid quadrants (red, green, blue, white). */
function quadrants(width: number, height: number): Uint8Array {
  const rgb = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const q = (y < height / 2 ? 0 : 2) + (x < width / 2 ? 0 : 1);
      const colour = [
        [255, 0, 0],
        [0, 255, 0],
        [0, 0, 255],
        [255, 255, 255],
      ][q]!;
      rgb.set(colour, (y * width + x) * 3);
    }
  }
  return rgb;
}

/** Mean absolute difference between the sample at the centre of each quadrant and its colour. */
function quadrantError(image: { width: number; height: number; data: Uint8Array }): number {
  const { width: w, height: h, data } = image;
  const colours = [
    [255, 0, 0],
    [0, 255, 0],
    [0, 0, 255],
    [255, 255, 255],
  ];
  let error = 0;
  colours.forEach(([r, g, b], q) => {
    const x = (q & 1 ? 3 : 1) * (w / 4);
    const y = (q & 2 ? 3 : 1) * (h / 4);
    const [ey, eu, ev] = yuv709(r!, g!, b!);
    const cx = x >> 1;
    const cy = y >> 1;
    error += Math.abs(data[y * w + x]! - ey);
    error += Math.abs(data[w * h + cy * (w / 2) + cx]! - eu);
    error += Math.abs(data[w * h + (w * h) / 4 + cy * (w / 2) + cx]! - ev);
  });
  return error / 12;
}

describe("compressedImageToI420", () => {
  const width = 64;
  const height = 48;
  const raw = { raw: { width, height, channels: 3 as const } };

  test("PNG decodes losslessly", async () => {
    const png = await sharp(quadrants(width, height), raw).png().toBuffer();
    const { codec, image } = await compressedImageToI420(png, "png");
    assert.equal(codec, "png");
    assert.deepEqual([image.width, image.height], [width, height]);
    assert.ok(quadrantError(image) <= 1, `error ${quadrantError(image)}`);
  });

  test("JPEG decodes within a small tolerance", async () => {
    const jpeg = await sharp(quadrants(width, height), raw).jpeg({ quality: 95 }).toBuffer();
    const { codec, image } = await compressedImageToI420(jpeg, "bgr8; jpeg compressed bgr8");
    assert.equal(codec, "jpeg");
    assert.ok(quadrantError(image) <= 4, `error ${quadrantError(image)}`);
  });

  test("WebP decodes within a small tolerance", async () => {
    const webp = await sharp(quadrants(width, height), raw).webp({ quality: 95 }).toBuffer();
    const { codec, image } = await compressedImageToI420(webp, "webp");
    assert.equal(codec, "webp");
    assert.ok(quadrantError(image) <= 4, `error ${quadrantError(image)}`);
  });

  test("odd sizes are cropped to even and grey or alpha images come out as colour", async () => {
    const grey = await sharp(new Uint8Array(33 * 17).fill(255), {
      raw: { width: 33, height: 17, channels: 1 },
    })
      .png()
      .toBuffer();
    const { image } = await compressedImageToI420(grey, "png");
    assert.deepEqual([image.width, image.height], [32, 16]);
    assert.equal(image.data[0], 235);
    assert.equal(image.data[32 * 16], 128);
    const rgba = await sharp(new Uint8Array(8 * 8 * 4).fill(255), {
      raw: { width: 8, height: 8, channels: 4 },
    })
      .png()
      .toBuffer();
    assert.equal((await compressedImageToI420(rgba, "png")).image.data[0], 235);
  });

  test("unknown formats and undecodable data are decode errors", async () => {
    await assert.rejects(
      compressedImageToI420(new Uint8Array(10), "gif"),
      (e: unknown) =>
        isFoxgloveError(e, "ERR_DECODE") &&
        /unsupported compressed image format "gif"/.test(e.message),
    );
    await assert.rejects(
      compressedImageToI420(new Uint8Array([1, 2, 3, 4]), "jpeg"),
      (e: unknown) =>
        isFoxgloveError(e, "ERR_DECODE") && /jpeg image does not decode/.test(e.message),
    );
    const png = await sharp(quadrants(width, height), raw).png().toBuffer();
    await assert.rejects(
      compressedImageToI420(png.subarray(0, png.length / 2), "png"),
      (e: unknown) => isFoxgloveError(e, "ERR_DECODE"),
    );
  });
});
