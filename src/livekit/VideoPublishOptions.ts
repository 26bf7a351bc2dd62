import { VideoCodec, VideoEncoderBackend } from "@livekit/rtc-ffi-bindings";
import { FoxgloveError } from "../core/FoxgloveError.js";

/** Video codecs LiveKit can encode with. */
export type VideoCodecName = "h264" | "vp8" | "vp9" | "av1" | "h265";

/** Encoder implementations to prefer ("auto" lets LiveKit choose). */
export type VideoEncoderName =
  "auto" | "software" | "hardware" | "nvenc" | "vaapi" | "videotoolbox";

/** Options of `LiveKitRoom.publishVideo`. */
export interface VideoPublishOptions {
  /** Expected frame width in pixels (a hint; frames may have any size). */
  width: number;
  /** Expected frame height in pixels (a hint). */
  height: number;
  /** Codec (default "h264"). Simulcast is always off. */
  codec?: VideoCodecName;
  /** Preferred encoder backend (default "auto"). */
  encoder?: VideoEncoderName;
  /** Bitrate cap in bits per second (default: chosen by LiveKit; 2.5 Mbit/s if only maxFramerate is set). */
  maxBitrate?: number;
  /** Frame-rate cap (default: chosen by LiveKit; 30 if only maxBitrate is set). */
  maxFramerate?: number;
}

const CODECS: Record<VideoCodecName, VideoCodec> = {
  h264: VideoCodec.H264,
  vp8: VideoCodec.VP8,
  vp9: VideoCodec.VP9,
  av1: VideoCodec.AV1,
  h265: VideoCodec.H265,
};

const ENCODERS: Record<VideoEncoderName, VideoEncoderBackend> = {
  auto: VideoEncoderBackend.ENCODER_BACKEND_AUTO,
  software: VideoEncoderBackend.ENCODER_BACKEND_SOFTWARE,
  hardware: VideoEncoderBackend.ENCODER_BACKEND_HARDWARE,
  nvenc: VideoEncoderBackend.ENCODER_BACKEND_NVENC,
  vaapi: VideoEncoderBackend.ENCODER_BACKEND_VAAPI,
  videotoolbox: VideoEncoderBackend.ENCODER_BACKEND_VIDEOTOOLBOX,
};

/** LiveKit's codec enum for `name`; throws FoxgloveError ERR_VALUE for an unknown name. */
export function videoCodec(name: VideoCodecName): VideoCodec {
  const codec = CODECS[name];
  if (codec === undefined) {
    throw new FoxgloveError("ERR_VALUE", `unknown video codec ${String(name)}`);
  }
  return codec;
}

/** LiveKit's encoder-backend enum for `name`; throws FoxgloveError ERR_VALUE for an unknown name. */
export function encoderBackend(name: VideoEncoderName): VideoEncoderBackend {
  const backend = ENCODERS[name];
  if (backend === undefined) {
    throw new FoxgloveError("ERR_VALUE", `unknown video encoder ${String(name)}`);
  }
  return backend;
}

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
    if (Object.hasOwn(CODECS, codecEnv)) {
      codec = codecEnv as VideoCodecName;
    } else {
      warn(
        `ignoring FOXGLOVE_VIDEO_CODEC="${codecEnv}": expected one of ${Object.keys(CODECS).join(", ")}`,
      );
    }
  }
  let chosen = encoder;
  const encoderEnv = env.FOXGLOVE_VIDEO_ENCODER?.trim().toLowerCase();
  if (chosen === "auto" && encoderEnv !== undefined && encoderEnv !== "") {
    if (Object.hasOwn(ENCODERS, encoderEnv)) {
      chosen = encoderEnv as VideoEncoderName;
    } else {
      warn(
        `ignoring FOXGLOVE_VIDEO_ENCODER="${encoderEnv}": expected one of ${Object.keys(ENCODERS).join(", ")}`,
      );
    }
  }
  return { codec, encoder: chosen };
}
