import { VideoCodec, VideoEncoderBackend } from "@livekit/rtc-ffi-bindings";
import { FoxgloveError } from "../core/FoxgloveError.js";

import type { VideoCodecName, VideoEncoderName } from "./videoCodecNames.js";

export {
  resolveVideoCodecOptions,
  type VideoCodecName,
  type VideoEncoderName,
} from "./videoCodecNames.js";

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
