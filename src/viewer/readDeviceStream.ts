import { FoxgloveError } from "../core/FoxgloveError.js";
import { decodeServerFrame, FrameDecoder, type ServerMessage } from "../protocol/index.js";

/** How a device control stream ended. */
export interface DeviceStreamEnd {
  /** True when a `serverInfo` arrived on it (otherwise it may have been a rejection). */
  readonly sawServerInfo: boolean;
  /** The last error-level status seen before any `serverInfo` (a rejection's reason). */
  readonly rejection: string | undefined;
  /** Why reading stopped early: a corrupt stream or a transport failure; undefined at a clean end. */
  readonly error: FoxgloveError | undefined;
}

/** Callbacks of {@link readDeviceStream}. */
export interface DeviceStreamHandlers {
  /** A decoded message, in stream order. Return false to stop reading. */
  onMessage(message: ServerMessage): boolean;
  /** A frame that could not be decoded (skipped; reading continues). */
  onBadMessage(error: FoxgloveError): void;
}

/** Options of {@link readDeviceStream}. */
export interface ReadDeviceStreamOptions {
  /** Largest frame payload accepted, bytes (default 16 MiB). */
  maxFramePayload?: number;
}

/**
 * Reads one control stream from the device (spec 1.3, 1.4, 5.4): reassembles frames across
 * chunks, decodes each message and hands it over in order. A message that fails to decode is
 * reported and skipped; an unknown frame opcode, an oversize frame or a stream ending inside a
 * frame makes the stream corrupt: reading stops and the end reports the error.
 */
export async function readDeviceStream(
  chunks: AsyncIterable<Uint8Array>,
  handlers: DeviceStreamHandlers,
  options: ReadDeviceStreamOptions = {},
): Promise<DeviceStreamEnd> {
  const decoder = new FrameDecoder(
    options.maxFramePayload !== undefined ? { maxPayload: options.maxFramePayload } : {},
  );
  let sawServerInfo = false;
  let rejection: string | undefined;
  const end = (error: FoxgloveError | undefined): DeviceStreamEnd => ({
    sawServerInfo,
    rejection,
    error,
  });
  try {
    for await (const chunk of chunks) {
      let frames;
      try {
        frames = decoder.push(chunk);
      } catch (error) {
        return end(asFoxgloveError(error, "ERR_PROTOCOL"));
      }
      for (const frame of frames) {
        let message: ServerMessage;
        try {
          if (frame.payload.length === 0) {
            throw new FoxgloveError("ERR_DECODE", "empty frame from the device");
          }
          message = decodeServerFrame(frame);
        } catch (error) {
          handlers.onBadMessage(asFoxgloveError(error, "ERR_DECODE"));
          continue;
        }
        if (message.op === "serverInfo") {
          sawServerInfo = true;
        } else if (message.op === "status" && message.level === 2 && !sawServerInfo) {
          rejection = message.message;
        }
        if (!handlers.onMessage(message)) {
          return end(undefined);
        }
      }
      if (decoder.error !== undefined) {
        return end(decoder.error);
      }
    }
    decoder.finish();
  } catch (error) {
    return end(asFoxgloveError(error, "ERR_LIVEKIT"));
  }
  return end(undefined);
}

function asFoxgloveError(error: unknown, code: FoxgloveError["code"]): FoxgloveError {
  if (error instanceof FoxgloveError) {
    return error;
  }
  return new FoxgloveError(code, error instanceof Error ? error.message : String(error), {
    cause: error,
  });
}
