/** The data-track frame payload (spec 1.5): 8-byte header, then the message. */
export interface DataTrackFrame {
  /** Reserved flag bits (u16); always 0 when sent, unknown bits ignored when received. */
  flags: number;
  /** Offset of `data` from the payload start (u16, ≥ 8); 8 when sent. */
  dataOffset: number;
  /** Per-track counter (u32): first frame 0, +1 per frame, wraps at 2^32. */
  sequence: number;
  /** The serialized message (a view into the decoded payload). */
  data: Uint8Array;
}

/** Data-track header size in bytes. */
export const DATA_TRACK_HEADER_SIZE = 8;
