import type { VideoInputSchema } from "../../media/videoInputSchema.js";
import type { DropReport, ViewerMedia } from "../ViewerMedia.js";

/** A test media port that records every call; `pushLossy` returns `nextReport` once if set. */
export class RecordingMedia implements ViewerMedia {
  readonly calls: string[] = [];
  readonly lossy: { channelId: number; data: Uint8Array; logTime: bigint }[] = [];
  readonly video: number[] = [];
  /** Messages taken as logged (`pushVideoMessage`), with their channel. */
  readonly videoMessages: { channelId: number; message: unknown }[] = [];
  /** What `pushVideoMessage` answers (default true: taken). */
  takeMessages = true;
  /** The schema each `startVideo` was given, by channel id. */
  readonly videoSchemas = new Map<number, VideoInputSchema>();
  nextReport: DropReport | undefined;

  openLossy(channelId: number): void {
    this.calls.push(`open ${channelId}`);
  }
  closeLossy(channelId: number): void {
    this.calls.push(`close ${channelId}`);
  }
  pushLossy(channelId: number, data: Uint8Array, logTime: bigint): DropReport | undefined {
    this.lossy.push({ channelId, data: data.slice(), logTime });
    const report = this.nextReport;
    this.nextReport = undefined;
    return report;
  }
  startVideo(channelId: number, schema: VideoInputSchema): void {
    this.calls.push(`startVideo ${channelId}`);
    this.videoSchemas.set(channelId, schema);
  }
  stopVideo(channelId: number): void {
    this.calls.push(`stopVideo ${channelId}`);
  }
  pushVideo(channelId: number): void {
    this.video.push(channelId);
  }
  pushVideoMessage(channelId: number, message: unknown): boolean {
    if (this.takeMessages) this.videoMessages.push({ channelId, message });
    return this.takeMessages;
  }
}
