import { FfiHandle, livekitDispose, DataTrackFrame } from "@livekit/rtc-ffi-bindings";
console.log(typeof FfiHandle, typeof livekitDispose, typeof DataTrackFrame);
