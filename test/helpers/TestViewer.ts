import {
  connectRoom,
  type IceServerConfig,
  type LiveKitRoom,
  type RemoteDataTrack,
} from "../../src/livekit/index.js";
import {
  CONTROL_TOPIC,
  decodeServerFrame,
  encodeClientFrame,
  FrameDecoder,
  type ClientMessage,
  type ServerMessage,
} from "../../src/protocol/index.js";
import { requestViewerCredentials } from "../../src/viewer/index.js";
import type { TestLiveKitServer } from "./livekitServer.js";
import { Waiter } from "./Waiter.js";

/** A message the viewer received, with the index of the device control stream it came on. */
export interface Received {
  readonly stream: number;
  readonly message: ServerMessage;
}

/**
 * A minimal protocol viewer over the LiveKit adapter, for integration tests: it records every
 * message the device sends on its control streams (a new stream = a reset), sends framed client
 * messages on one lazily opened stream, and notes the device's data tracks.
 */
export class TestViewer {
  readonly received = new Waiter<Received>();
  #streams = 0;
  #sender: Promise<{ write(b: Uint8Array): Promise<void>; close(): Promise<void> }> | undefined;

  private constructor(
    readonly room: LiveKitRoom,
    readonly deviceIdentity: string,
    /** Data tracks published in the room (the device's `data-ch-<id>`). */
    readonly dataTracks: Waiter<RemoteDataTrack>,
  ) {}

  /** Joins `room` as `identity`; `protocolVersion` goes into the token's attributes. */
  static async join(
    server: TestLiveKitServer,
    roomName: string,
    identity: string,
    deviceIdentity: string,
    protocolVersion: string | undefined = "2.2.0",
  ): Promise<TestViewer> {
    return await TestViewer.#attach(deviceIdentity, (listener) =>
      server.join(roomName, identity, {
        ...(protocolVersion === undefined ? {} : { attributes: { protocolVersion } }),
        listener,
      }),
    );
  }

  /** Joins with credentials from elsewhere (e.g. the API server's viewer endpoint). */
  static async connect(
    livekitUrl: string,
    token: string,
    deviceIdentity: string,
    iceServers?: readonly IceServerConfig[],
  ): Promise<TestViewer> {
    return await TestViewer.#attach(deviceIdentity, (listener) =>
      connectRoom(livekitUrl, token, { listener, ...(iceServers ? { iceServers } : {}) }),
    );
  }

  /**
   * Joins the room of device `device` with credentials from the API server at `apiUrl` (its
   * viewer endpoint, as a viewer application would), as `identity`.
   */
  static async viaApiServer(
    apiUrl: string,
    device: string,
    identity: string,
    iceServers?: readonly IceServerConfig[],
    protocolVersion?: string,
  ): Promise<TestViewer> {
    const creds = await requestViewerCredentials({
      apiUrl,
      device,
      identity,
      ...(protocolVersion === undefined ? {} : { protocolVersion }),
    });
    return await TestViewer.connect(
      creds.livekitUrl,
      creds.token,
      creds.deviceIdentity,
      iceServers,
    );
  }

  static async #attach(
    deviceIdentity: string,
    join: (listener: {
      onDataTrackPublished: (track: RemoteDataTrack) => void;
    }) => Promise<LiveKitRoom>,
  ): Promise<TestViewer> {
    const dataTracks = new Waiter<RemoteDataTrack>();
    const room = await join({ onDataTrackPublished: (track) => dataTracks.push(track) });
    const viewer = new TestViewer(room, deviceIdentity, dataTracks);
    room.onByteStream(CONTROL_TOPIC, async (stream) => {
      const index = viewer.#streams++;
      const decoder = new FrameDecoder();
      try {
        for await (const chunk of stream) {
          for (const frame of decoder.push(chunk)) {
            viewer.received.push({ stream: index, message: decodeServerFrame(frame) });
          }
        }
      } catch {
        // the stream ends abruptly when either side leaves the room
      }
    });
    return viewer;
  }

  /** Messages received so far (all streams). */
  messages(): ServerMessage[] {
    return this.received.items.map((r) => r.message);
  }

  /** Waits for a message matching `match`. */
  async waitFor<K extends ServerMessage["op"]>(
    op: K,
    match: (m: Extract<ServerMessage, { op: K }>) => boolean = () => true,
    ms = 10_000,
  ): Promise<Extract<ServerMessage, { op: K }>> {
    const r = await this.received.waitFor(
      (r) => r.message.op === op && match(r.message as Extract<ServerMessage, { op: K }>),
      ms,
      `a ${op} message`,
    );
    return r.message as Extract<ServerMessage, { op: K }>;
  }

  /** Sends one message to the device on this viewer's control stream. */
  async send(message: ClientMessage): Promise<void> {
    await this.sendBytes(encodeClientFrame(message));
  }

  /** Writes raw bytes (possibly not valid frames) on this viewer's control stream. */
  async sendBytes(bytes: Uint8Array): Promise<void> {
    this.#sender ??= this.room.openByteStream({
      topic: CONTROL_TOPIC,
      destinationIdentities: [this.deviceIdentity],
    });
    await (await this.#sender).write(bytes);
  }

  /** Makes the next send open a new control stream (the current one is left open). */
  newStream(): void {
    this.#sender = undefined;
  }

  /** Leaves the room. */
  async close(): Promise<void> {
    await this.room.close();
  }
}
