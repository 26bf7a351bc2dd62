import { FoxgloveError } from "../../src/core/FoxgloveError.js";
import {
  connectRoom,
  type IceServerConfig,
  type RemoteDataTrack,
} from "../../src/livekit/index.js";
import { FrameDecoder } from "../../src/protocol/index.js";
import { connectViewer } from "../../src/viewer/index.js";
import { Phase, readPayload, wallNanos } from "./payload.js";
import { ViewerStats } from "./ViewerStats.js";

/** What the API server's viewer endpoint answers (the fields used here). */
export interface ViewerGrant {
  livekitUrl: string;
  token: string;
  deviceIdentity: string;
}

/** Options of {@link BenchViewer.connect}. */
export interface BenchViewerOptions {
  /** Topic to subscribe to once the device advertises it. */
  topic: string;
  /** ICE servers for the join (the dev server's loopback list). */
  iceServers?: readonly IceServerConfig[];
  /** Frames LiveKit buffers per data track before dropping (default 256). */
  dataTrackBuffer?: number;
  /**
   * `protocol` (default): a Foxglove remote access device, observed through our viewer library
   * (`connectViewer`, `subscribe(topic)`). `raw`: a bare LiveKit sender (the ceiling measure)
   * that publishes data track {@link RAW_TOPIC} or opens a byte stream on that topic carrying
   * 5-byte-framed payloads, with no protocol on top.
   */
  mode?: "protocol" | "raw";
}

/** Track name and byte-stream topic of the raw ceiling sender. */
export const RAW_TOPIC = "raw";

/**
 * The benchmark's viewer, the same for every device: joins the device's room with a grant from
 * the API server, subscribes to the bench topic and counts the bench payloads that arrive
 * (distinct sequences, bytes, log → receive latency). Messages received more than once, or out
 * of order, are counted apart.
 */
export class BenchViewer implements AsyncDisposable {
  #stats = new ViewerStats();
  #warm = 0;
  #resets = 0;
  #subscribed = false;
  readonly #errors: string[] = [];
  readonly #waiters = new Set<() => void>();
  #close: () => Promise<void> = () => Promise.resolve();
  #closing = false;

  private constructor() {}

  /** Joins the room of `grant` and subscribes to `options.topic` once it is advertised. */
  static async connect(grant: ViewerGrant, options: BenchViewerOptions): Promise<BenchViewer> {
    const v = new BenchViewer();
    if (options.mode === "raw") await v.#connectRaw(grant, options);
    else await v.#connectProtocol(grant, options);
    return v;
  }

  /** Times the device reset this viewer (it opened a new control stream). */
  get resets(): number {
    return this.#resets;
  }

  /** Warm-up messages received. */
  get warmReceived(): number {
    return this.#warm;
  }

  /** True once the subscription to the topic is in place. */
  get subscribed(): boolean {
    return this.#subscribed;
  }

  /** Distinct measured messages received. */
  get received(): number {
    return this.#stats.received;
  }

  /** Problems seen (decode errors, failed subscriptions). */
  get errors(): readonly string[] {
    return this.#errors;
  }

  /** The counters of the measured phase. */
  get stats(): ViewerStats {
    return this.#stats;
  }

  /** Starts a new measured phase (clears counters). */
  resetStats(): void {
    this.#stats = new ViewerStats();
  }

  /**
   * Resolves once `condition()` holds, re-checking after every received message or stream event.
   * Rejects with FoxgloveError ERR_TIMEOUT after `timeoutMs`.
   */
  async until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
    if (condition()) return;
    await new Promise<void>((resolve, reject) => {
      const check = () => {
        if (condition()) {
          clearTimeout(timer);
          this.#waiters.delete(check);
          resolve();
        }
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(check);
        reject(new FoxgloveError("ERR_TIMEOUT", `viewer: no ${what} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#waiters.add(check);
    });
  }

  /** Leaves the room. */
  async close(): Promise<void> {
    this.#closing = true;
    await this.#close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  async #connectProtocol(grant: ViewerGrant, options: BenchViewerOptions): Promise<void> {
    const viewer = await connectViewer({
      livekitUrl: grant.livekitUrl,
      token: grant.token,
      deviceIdentity: grant.deviceIdentity,
      dataTrackBufferSize: options.dataTrackBuffer ?? 256,
      connectTimeoutMs: 30_000,
      ...(options.iceServers !== undefined ? { iceServers: options.iceServers } : {}),
      listener: {
        reset: () => {
          this.#resets++;
          this.#notify();
        },
        error: (error) => this.#errors.push(`${error.code}: ${error.message}`),
      },
    });
    this.#close = () => viewer.close();
    viewer.subscribe(options.topic, { onMessage: (m) => this.#onPayload(m.data) });
    this.#subscribed = true;
  }

  async #connectRaw(grant: ViewerGrant, options: BenchViewerOptions): Promise<void> {
    const bufferSize = options.dataTrackBuffer ?? 256;
    const subscribe = (track: RemoteDataTrack) => {
      if (track.publisherIdentity !== grant.deviceIdentity || track.name !== RAW_TOPIC) return;
      const sub = track.subscribe({ bufferSize, queueSize: bufferSize });
      this.#subscribed = true;
      void (async () => {
        try {
          for await (const frame of sub) this.#onPayload(frame.payload);
        } catch (error) {
          if (!this.#closing) this.#errors.push(`data track: ${String(error)}`);
        }
      })();
    };
    const room = await connectRoom(grant.livekitUrl, grant.token, {
      ...(options.iceServers !== undefined ? { iceServers: options.iceServers } : {}),
      listener: { onDataTrackPublished: subscribe },
    });
    this.#close = () => room.close();
    room.onByteStream(RAW_TOPIC, async (stream) => {
      if (stream.identity !== grant.deviceIdentity) return;
      this.#subscribed = true;
      const decoder = new FrameDecoder();
      try {
        for await (const chunk of stream) {
          for (const frame of decoder.push(chunk)) this.#onPayload(frame.payload);
        }
      } catch (error) {
        if (!this.#closing) this.#errors.push(`byte stream: ${String(error)}`);
      }
    });
  }

  #notify(): void {
    for (const check of [...this.#waiters]) check();
  }

  #onPayload(data: Uint8Array): void {
    const now = wallNanos();
    const header = readPayload(data);
    if (header === undefined) return;
    if (header.phase === Phase.Measured) {
      this.#stats.record(header.seq, data.length, now - header.timeNs);
    } else {
      this.#warm++;
    }
    if (this.#waiters.size > 0) this.#notify();
  }
}
