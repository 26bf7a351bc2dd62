/** Size of the demo camera's frames. */
export const CAMERA_WIDTH = 640;
/** Height of the demo camera's frames. */
export const CAMERA_HEIGHT = 480;
/** Frames per second of the demo camera. */
export const CAMERA_FPS = 30;

/**
 * Draws frame `index` of a moving synthetic scene into `rgb` (rgb8, `width` x `height`, tightly
 * packed): a diagonal colour gradient scrolling sideways and a white square circling the centre.
 */
export function drawCameraFrame(
  index: number,
  rgb: Uint8Array,
  width = CAMERA_WIDTH,
  height = CAMERA_HEIGHT,
): void {
  const shift = index * 4;
  for (let y = 0; y < height; y++) {
    let o = y * width * 3;
    const g = (y * 255) / height;
    for (let x = 0; x < width; x++) {
      rgb[o++] = (x + shift) & 255;
      rgb[o++] = g;
      rgb[o++] = 255 - ((x + y + shift) & 255);
    }
  }
  const side = Math.round(height / 6);
  const a = (index / CAMERA_FPS) * Math.PI * 0.5;
  const cx = Math.round(width / 2 + (width / 4) * Math.cos(a) - side / 2);
  const cy = Math.round(height / 2 + (height / 4) * Math.sin(a) - side / 2);
  for (let y = Math.max(0, cy); y < Math.min(height, cy + side); y++) {
    const from = (y * width + Math.max(0, cx)) * 3;
    const to = (y * width + Math.min(width, cx + side)) * 3;
    rgb.fill(255, from, to);
  }
}
