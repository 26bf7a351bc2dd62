/**
 * `foxglove-remote/mcap`: record a context's channels into MCAP files (`openMcap`), replay them
 * (`McapPlayer`), and the decompressors to read them with `@mcap/core`. See docs/mcap.md.
 */
export { openMcap, McapWriter, type McapAttachment } from "./McapWriter.js";
export {
  DEFAULT_MCAP_CHUNK_SIZE,
  DEFAULT_MCAP_QUEUE_BYTES,
  type McapWriteOptions,
  type OpenMcapOptions,
} from "./McapWriteOptions.js";
export {
  loadDecompressHandlers,
  type McapCompression,
  type DecompressHandlers,
} from "./chunkCompression.js";
export { FileWritable, type McapWritable } from "./FileWritable.js";
export { FileReadable } from "./FileReadable.js";
export { McapPlayer, type McapPlayerOptions } from "./McapPlayer.js";
export type { PlaybackControlRequest, PlaybackState } from "../protocol/index.js";
