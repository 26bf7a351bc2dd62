import type { DropReport } from "../DropReport.js";
import type { SessionDataPlane } from "../SessionDataPlane.js";

/** A test data plane that records every call; `pushLossy` returns `nextReport` once if set. */
export class RecordingDataPlane implements SessionDataPlane {
  readonly calls: string[] = [];
  readonly lossy: { channelId: number; data: Uint8Array; logTime: bigint }[] = [];
  readonly video: number[] = [];
  nextReport: DropReport | undefined;

  openDataTrack(channelId: number): void {
    this.calls.push(`open ${channelId}`);
  }
  closeDataTrack(channelId: number): void {
    this.calls.push(`close ${channelId}`);
  }
  pushLossy(channelId: number, data: Uint8Array, logTime: bigint): DropReport | undefined {
    this.lossy.push({ channelId, data: data.slice(), logTime });
    const report = this.nextReport;
    this.nextReport = undefined;
    return report;
  }
  startVideo(channelId: number): void {
    this.calls.push(`startVideo ${channelId}`);
  }
  stopVideo(channelId: number): void {
    this.calls.push(`stopVideo ${channelId}`);
  }
  pushVideo(channelId: number): void {
    this.video.push(channelId);
  }
}
