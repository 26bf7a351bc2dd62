/** Oversized messages dropped on one data track since the previous report. */
export interface DropReport {
  /** Messages dropped since the last report (≥ 1). */
  readonly droppedSinceLast: number;
  /** The per-message size limit they exceeded, in bytes. */
  readonly sizeLimit: number;
  /** Size of the last dropped message, in bytes. */
  readonly lastSize?: number;
}
