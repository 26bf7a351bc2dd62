// foxglove-remote/messages: encoders for the well-known Foxglove message types.
//
// Each schema name is both a TypeScript type (from @foxglove/schemas) and a protobuf Encoder
// value; `<Name>Json` is the JSON encoder of the same type:
//
//   import { CompressedImage, CompressedImageJson } from "foxglove-remote/messages";
//   new Channel<CompressedImage>("/camera", { encoder: CompressedImage });
export * from "./generated/encoders.js";
import "./rawImageParts.js"; // registers the RawImage encoders with the video path
export type { Time, Duration } from "@foxglove/schemas";
export { protobufEncoder } from "./protobufEncoder.js";
export { jsonSchemaEncoder } from "./jsonSchemaEncoder.js";
