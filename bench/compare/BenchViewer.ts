import { FoxgloveError } from "../../src/core/FoxgloveError.js";
import {
  connectRoom,
  type ByteStreamSender,
  type IceServerConfig,
  type LiveKitRoom,
  type RemoteDataTrack,
} from "../../src/livekit/index.js";
import {
  decodeDataTrackFrame,
  decodeServerBinary,
  decodeServerJson,
  encodeClientJson,
  encodeJsonFrame,
  FrameDecoder,
  FrameOpcode,
  type ServerJsonMessage,
} from "../../src/protocol/index.js";
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
  /** Frames LiveKit buffers for a data track subscription (default 256). */
  dataTrackBuffer?: number;
  /**
   * `protocol` (default): a Foxglove remote access device. `raw`: a bare LiveKit sender (the
   * ceiling measure) that publishes data track {@link RAW_TOPIC} or opens a byte stream on that
   * topic carrying 5-byte-framed payloads, with no protocol on top.
   */
  mode?: "protocol" | "raw";
}

/** Track name and byte-stream topic of the raw ceiling sender. */
export const RAW_TOPIC = "raw";

/**
 * The benchmark's viewer, the same for every device: joins the device's room with a grant from
 * the API server, waits for `serverInfo` and the advertise of the bench topic, subscribes, and
 * counts what arrives, on the control stream (Reliable `messageData`) or on the channel's data
 * track (Lossy). Built directly on our LiveKit adapter and protocol codec.
 */
export class BenchViewer implements AsyncDisposable {
  readonly #room: LiveKitRoom;
  readonly #device: string;
  readonly #topic: string;
  readonly #dataTrackBuffer: number;
  readonly #raw: boolean;
  readonly #tracks = new Map<string, RemoteDataTrack>();
  #stats = new ViewerStats();
  #channelId: number | undefined;
  #sender: Promise<ByteStreamSender> | undefined;
  #subscribedTrack = false;
  #controlStreams = 0;
  #warm = 0;
  #errors: string[] = [];
  #waiters = new Set<() => void>();
  #closing = false;

  private constructor(room: LiveKitRoom, device: string, options: BenchViewerOptions) {
    this.#room = room;
    this.#device = device;
    this.#topic = options.topic;
    this.#dataTrackBuffer = options.dataTrackBuffer ?? 256;
    this.#raw = options.mode === "raw";
  }

  /** Joins the room of `grant` and starts listening; subscribes as soon as the topic appears. */
  static async connect(grant: ViewerGrant, options: BenchViewerOptions): Promise<BenchViewer> {
    const holder: { viewer?: BenchViewer } = {};
    const early: RemoteDataTrack[] = [];
    const room = await connectRoom(grant.livekitUrl, grant.token, {
      ...(options.iceServers !== undefined ? { iceServers: options.iceServers } : {}),
      listener: {
        onDataTrackPublished: (track) => {
          if (holder.viewer === undefined) early.push(track);
          else holder.viewer.#onTrack(track);
        },
      },
    });
    const v = new BenchViewer(room, grant.deviceIdentity, options);
    holder.viewer = v;
    for (const track of early) v.#onTrack(track);
    room.onByteStream(v.#raw ? RAW_TOPIC : "control", async (stream) => {
      if (stream.identity !== v.#device) return;
      v.#controlStreams++;
      v.#notify();
      const decoder = new FrameDecoder();
      try {
        for await (const chunk of stream) {
          for (const frame of decoder.push(chunk)) {
            if (v.#raw) v.#onPayload(frame.payload);
            else v.#onFrame(frame.opcode, frame.payload);
          }
        }
      } catch (error) {
        if (!v.#closing) v.#errors.push(`control stream: ${String(error)}`);
      }
    });
    return v;
  }

  /** Control streams the device opened to us; more than one means it reset this viewer. */
  get controlStreams(): number {
    return this.#controlStreams;
  }

  /** Warm-up messages received. */
  get warmReceived(): number {
    return this.#warm;
  }

  /** True once the viewer has sent its subscribe for the topic. */
  get subscribed(): boolean {
    return this.#sender !== undefined;
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
    await this.#room.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  #notify(): void {
    for (const check of [...this.#waiters]) check();
  }

  #onFrame(opcode: number, payload: Uint8Array): void {
    try {
      if (opcode === FrameOpcode.Json) {
        this.#onJson(decodeServerJson(payload));
      } else {
        const message = decodeServerBinary(payload);
        if (message.op === "messageData" && message.channelId === this.#channelId) {
          this.#onPayload(message.data);
        }
      }
    } catch (error) {
      this.#errors.push(String(error));
    }
  }

  #onJson(message: ServerJsonMessage): void {
    if (message.op !== "advertise") return;
    const channel = message.channels.find((c) => c.topic === this.#topic);
    if (channel === undefined) return;
    this.#channelId = channel.id;
    this.#sender ??= this.#room.openByteStream({
      topic: "control",
      destinationIdentities: [this.#device],
    });
    const subscribe = encodeJsonFrame(
      encodeClientJson({ op: "subscribe", channels: [{ id: channel.id }] }),
    );
    this.#sender.then(
      (s) => s.write(subscribe),
      (e: unknown) => this.#errors.push(`opening the control stream failed: ${String(e)}`),
    );
    const track = this.#tracks.get(`data-ch-${channel.id}`);
    if (track !== undefined) this.#subscribeTrack(track);
    this.#notify();
  }

  #onTrack(track: RemoteDataTrack): void {
    if (track.publisherIdentity !== this.#device) return;
    this.#tracks.set(track.name, track);
    if (this.#raw ? track.name === RAW_TOPIC : track.name === `data-ch-${this.#channelId}`) {
      this.#subscribeTrack(track);
    }
  }

  #subscribeTrack(track: RemoteDataTrack): void {
    if (this.#subscribedTrack) return;
    this.#subscribedTrack = true;
    const sub = track.subscribe({
      bufferSize: this.#dataTrackBuffer,
      queueSize: this.#dataTrackBuffer,
    });
    void (async () => {
      try {
        for await (const frame of sub) {
          this.#onPayload(this.#raw ? frame.payload : decodeDataTrackFrame(frame.payload).data);
        }
      } catch (error) {
        if (!this.#closing) this.#errors.push(`data track ${track.name}: ${String(error)}`);
      }
      this.#subscribedTrack = false;
    })();
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
    this.#notify();
  }
}
