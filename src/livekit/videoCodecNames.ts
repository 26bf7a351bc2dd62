// Video codec and encoder names and their resolution from the environment: pure (it does not load
// the native LiveKit library), so the gateway can import it at start.

const CODEC_NAMES = ["h264", "vp8", "vp9", "av1", "h265"] as const;
const ENCODER_NAMES = ["auto", "software", "hardware", "nvenc", "vaapi", "videotoolbox"] as const;

/** Video codecs LiveKit can encode with. */
export type VideoCodecName = (typeof CODEC_NAMES)[number];

/** Encoder implementations to prefer ("auto" lets LiveKit choose). */
export type VideoEncoderName = (typeof ENCODER_NAMES)[number];

/**
 * The codec and encoder a device's video tracks use (session spec §7.5): the codec is
 * `FOXGLOVE_VIDEO_CODEC` (`av1`, `h264`, `h265`, `vp8`, `vp9`, case-insensitive) if set, else
 * H.264, or VP8 on macOS; the encoder is `encoder` unless "auto", else `FOXGLOVE_VIDEO_ENCODER`
 * (`auto`, `software`, `hardware`, `nvenc`, `vaapi`, `videotoolbox`), else "auto". Invalid
 * environment values are reported through `warn` and ignored.
 */
export function resolveVideoCodecOptions(
  env: Readonly<Record<string, string | undefined>>,
  platform: string,
  encoder: VideoEncoderName = "auto",
  warn: (message: string) => void = () => {},
): { codec: VideoCodecName; encoder: VideoEncoderName } {
  let codec: VideoCodecName = platform === "darwin" ? "vp8" : "h264";
  const codecEnv = env.FOXGLOVE_VIDEO_CODEC?.trim().toLowerCase();
  if (codecEnv !== undefined && codecEnv !== "") {
    if ((CODEC_NAMES as readonly string[]).includes(codecEnv)) {
      codec = codecEnv as VideoCodecName;
    } else {
      warn(
        `ignoring FOXGLOVE_VIDEO_CODEC="${codecEnv}": expected one of ${CODEC_NAMES.join(", ")}`,
      );
    }
  }
  let chosen = encoder;
  const encoderEnv = env.FOXGLOVE_VIDEO_ENCODER?.trim().toLowerCase();
  if (chosen === "auto" && encoderEnv !== undefined && encoderEnv !== "") {
    if ((ENCODER_NAMES as readonly string[]).includes(encoderEnv)) {
      chosen = encoderEnv as VideoEncoderName;
    } else {
      warn(
        `ignoring FOXGLOVE_VIDEO_ENCODER="${encoderEnv}": expected one of ${ENCODER_NAMES.join(", ")}`,
      );
    }
  }
  return { codec, encoder: chosen };
}
