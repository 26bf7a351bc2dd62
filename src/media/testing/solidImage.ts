import type { RawImage } from "@foxglove/schemas";

/** Tightly packed pixels of `width` x `height`, every pixel the bytes of `pixel` (e.g. r, g, b). */
export function solidPixels(width: number, height: number, pixel: readonly number[]): Uint8Array {
  const out = new Uint8Array(width * height * pixel.length);
  for (let i = 0; i < out.length; i += pixel.length) {
    out.set(pixel, i);
  }
  return out;
}

/** A typed rgb8 `foxglove.RawImage` of one colour (frame "camera", time 1 s); `extra` overrides. */
export function solidRawImage(
  width: number,
  height: number,
  rgb: readonly [number, number, number],
  extra: Partial<RawImage> = {},
): RawImage {
  return {
    timestamp: { sec: 1, nsec: 0 },
    frame_id: "camera",
    width,
    height,
    encoding: "rgb8",
    step: width * 3,
    data: solidPixels(width, height, rgb),
    ...extra,
  };
}
