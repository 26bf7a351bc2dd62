import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { WebSocketServer as WsServer, type RawData, type WebSocket } from "ws";
import { FoxgloveError } from "../core/FoxgloveError.js";
import { log } from "../core/logger.js";
import { fromNanos } from "../core/time.js";
import {
  decodeClientMessageV1,
  StatusLevel,
  type ClientMessageV1,
  type SubscriptionV1,
  type PlaybackState,
} from "../protocol/index.js";
import { REMOTE_ACCESS_GATES, type CapabilityTable } from "../remote/capabilityGates.js";
import { ViewerHub } from "../remote/ViewerHub.js";
import type { ViewerKey } from "../remote/ViewerConnection.js";
import type { ViewerStatus } from "../remote/ViewerListener.js";
import type { ViewerMedia } from "../remote/ViewerMedia.js";
import { ReliableMessageFrames, SharedMessageData } from "./SharedMessageData.js";
import { MISSING_SUBPROTOCOL, selectSubprotocol } from "./subprotocol.js";
import { WebSocketClient } from "./WebSocketClient.js";
import {
  resolveWebSocketServerOptions,
  type ResolvedWebSocketServerOptions,
  type WebSocketServerOptions,
} from "./WebSocketServerOptions.js";

/** Protocol v1 gating: as remote access, except that playback control has a capability. */
const WEBSOCKET_GATES: CapabilityTable = {
  ...REMOTE_ACCESS_GATES,
  playbackControlRequest: {
    capability: "playbackControl",
    reply: "status",
    message: "Server does not support playbackControl capability",
  },
};

/**
 * Starts a local WebSocket server (protocol v1, spec appendix A) that the Foxglove app connects to,
 * serving the context's channels through its own viewer hub.
 * @throws {FoxgloveError} `ERR_BIND` when the port cannot be listened on; `ERR_CONFIGURATION`
 *   for invalid options
 */
export async function startServer(options: WebSocketServerOptions = {}): Promise<WebSocketServer> {
  const server = new WebSocketServer(options);
  await server.start();
  return server;
}

/**
 * The local WebSocket server: a transport of the {@link ViewerHub} (which advertises channels,
 * routes messages, tracks subscriptions and client channels, and answers viewer requests). This
 * class only does the WebSocket side: subprotocol negotiation (`foxglove.sdk.v1.1` with its
 * schema-table `advertise`, `foxglove.sdk.v1`, legacy `foxglove.websocket.v1`), v1 encoding with client-chosen subscription ids, a bounded queue per
 * client, and the v1-only `time` and `playbackControl`.
 */
export class WebSocketServer implements AsyncDisposable {
  readonly #options: ResolvedWebSocketServerOptions;
  readonly #hub: ViewerHub;
  readonly #clients = new Map<ViewerKey, WebSocketClient>();
  readonly #reliableFrames = new ReliableMessageFrames();
  readonly #http: Server;
  readonly #wss: WsServer;
  #started = false;
  #stopped = false;

  /** Creates the server; {@link start} listens. See {@link startServer}. */
  constructor(options: WebSocketServerOptions = {}) {
    this.#options = resolveWebSocketServerOptions(options);
    this.#hub = new ViewerHub(options);
    const tls = this.#options.tls;
    this.#http =
      tls === undefined
        ? createHttpServer(notFound)
        : createHttpsServer({ cert: pem(tls.cert), key: pem(tls.key) }, notFound);
    this.#wss = new WsServer({
      noServer: true,
      maxPayload: this.#options.maxMessageSize,
      // Clients' prebuilt frames are written to their connections directly (WebSocketClient).
      perMessageDeflate: false,
      handleProtocols: (offered) => selectSubprotocol([...offered]) ?? false,
    });
    this.#http.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) =>
      this.#upgrade(req, socket, head),
    );
  }

  /** The viewer hub this server is a transport of (status, listener, channel state). */
  get hub(): ViewerHub {
    return this.#hub;
  }

  /** The port listened on (after start). */
  get port(): number {
    return (this.#http.address() as AddressInfo | null)?.port ?? this.#options.port;
  }

  /** `ws://host:port` (or `wss://`). */
  get url(): string {
    return `${this.#options.tls === undefined ? "ws" : "wss"}://${this.#options.host}:${this.port}`;
  }

  /** Connected clients. */
  get clientCount(): number {
    return this.#clients.size;
  }

  /**
   * Listens and starts serving the context.
   * @throws {FoxgloveError} `ERR_SERVER_ALREADY_STARTED` when called twice; `ERR_BIND`
   */
  async start(): Promise<void> {
    if (this.#started) {
      throw new FoxgloveError("ERR_SERVER_ALREADY_STARTED", "the WebSocket server was started");
    }
    this.#started = true;
    await new Promise<void>((resolve, reject) => {
      const onError = (cause: Error) =>
        reject(
          new FoxgloveError(
            "ERR_BIND",
            `cannot listen on ${this.#options.host}:${this.#options.port}: ${cause.message}`,
            { cause },
          ),
        );
      this.#http.once("error", onError);
      this.#http.listen(this.#options.port, this.#options.host, () => {
        this.#http.off("error", onError);
        resolve();
      });
    });
    const capabilities: ("time" | "playbackControl")[] = [];
    if (this.#options.time) capabilities.push("time");
    if (this.#options.playback !== undefined) capabilities.push("playbackControl");
    this.#hub.open({
      serverName: this.#options.name,
      sessionId: this.#options.sessionId,
      media: this.#media,
      gates: WEBSOCKET_GATES,
      extraCapabilities: capabilities,
    });
  }

  /** Sends the server's clock (`time`, nanoseconds) to every client; needs `time`. */
  broadcastTime(timestamp: bigint): void {
    for (const client of this.#clients.values()) {
      client.sendV1({ op: "time", timestamp }, true);
    }
  }

  /** Sends a playback state to every client (playback servers). */
  broadcastPlaybackState(state: PlaybackState): void {
    for (const client of this.#clients.values()) {
      client.sendV1(state, false);
    }
  }

  /** Sends a status to every client (through the hub). */
  publishStatus(status: ViewerStatus): void {
    this.#hub.publishStatus(status);
  }

  /** Withdraws statuses by id (through the hub). */
  removeStatus(ids: readonly string[]): void {
    this.#hub.removeStatus(ids);
  }

  /** Closes every client (WebSocket close frame), leaves the context and stops listening. */
  async stop(): Promise<void> {
    if (this.#stopped) {
      return;
    }
    this.#stopped = true;
    this.#hub.close();
    for (const client of this.#clients.values()) {
      client.close(1001, "server stopped");
    }
    this.#clients.clear();
    this.#wss.close();
    if (this.#started) {
      await new Promise<void>((resolve) => {
        this.#http.close(() => resolve());
        this.#http.closeAllConnections();
      });
    }
  }

  /** Same as {@link stop}. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }

  readonly #media: ViewerMedia = {
    openLossy: () => undefined,
    closeLossy: () => undefined,
    pushLossy: (channelId, data, logTime, subscribers) => {
      const message = new SharedMessageData(data, logTime);
      for (const key of subscribers) {
        this.#clients.get(key)?.sendLossy(channelId, message);
      }
      return undefined;
    },
    startVideo: () => undefined,
    stopVideo: () => undefined,
    pushVideo: () => undefined,
  };

  #upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const subprotocol = selectSubprotocol(req.headers["sec-websocket-protocol"]);
    if (subprotocol === undefined || this.#stopped || !this.#hub.isOpen) {
      const body = subprotocol === undefined ? MISSING_SUBPROTOCOL : "Server is not running";
      socket.end(
        `HTTP/1.1 ${subprotocol === undefined ? "400 Bad Request" : "503 Service Unavailable"}\r\n` +
          `Content-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
      return;
    }
    this.#wss.handleUpgrade(req, socket, head, (ws) => {
      const peer = `${req.socket.remoteAddress ?? "?"}:${req.socket.remotePort ?? "?"}`;
      this.#accept(ws, socket, subprotocol, peer);
    });
  }

  #accept(
    ws: WebSocket,
    stream: Duplex,
    subprotocol: WebSocketClient["subprotocol"],
    peer: string,
  ): void {
    const range = this.#options.timeRange;
    const client = new WebSocketClient({
      socket: ws,
      stream,
      reliableFrames: this.#reliableFrames,
      subprotocol,
      name: peer,
      backlogSize: this.#options.messageBacklogSize,
      lossyBacklogSize: this.#options.lossyBacklogSize,
      serverInfoExtra:
        range === undefined
          ? {}
          : { dataStartTime: fromNanos(range.start), dataEndTime: fromNanos(range.end) },
      onOverflow: (c) => this.#drop(c, 1008, "message backlog full"),
    });
    this.#clients.set(client.clientId, client);
    ws.on("message", (data: RawData, isBinary: boolean) => this.#receive(client, data, isBinary));
    ws.on("close", () => this.#drop(client));
    ws.on("error", (error) => {
      log.debug(`WebSocket client ${peer} failed:`, error);
      this.#drop(client);
    });
    this.#hub.connect(client);
  }

  #drop(client: WebSocketClient, code?: number, reason?: string): void {
    if (this.#clients.get(client.clientId) !== client) {
      return;
    }
    this.#clients.delete(client.clientId);
    this.#hub.disconnect(client);
    client.close(code, reason);
  }

  #receive(client: WebSocketClient, raw: RawData, isBinary: boolean): void {
    const bytes = Array.isArray(raw) ? Buffer.concat(raw) : Buffer.from(raw as ArrayBuffer);
    if (isBinary && bytes.byteLength === 0) {
      return; // ignored silently (spec A.6)
    }
    let message: ClientMessageV1;
    try {
      message = decodeClientMessageV1(isBinary ? new Uint8Array(bytes) : bytes.toString("utf8"));
    } catch (error) {
      client.sendStatus(
        StatusLevel.Error,
        `Invalid message: ${error instanceof Error ? error.message : String(error)}`,
      );
      return;
    }
    try {
      this.#dispatch(client, message);
    } catch (error) {
      log.warn(`handling ${message.op} from WebSocket client ${client.name} failed:`, error);
    }
  }

  #dispatch(client: WebSocketClient, message: ClientMessageV1): void {
    if (message.op === "subscribe") {
      this.#subscribe(client, message.subscriptions);
    } else if (message.op === "unsubscribe") {
      const channelIds = message.subscriptionIds.flatMap((id) => {
        const channelId = client.removeSubscription(id);
        return channelId === undefined ? [] : [channelId];
      });
      if (channelIds.length > 0) {
        this.#hub.handleMessage(client, { op: "unsubscribe", channelIds });
      }
    } else if (message.op === "playbackControlRequest" && this.#options.playback !== undefined) {
      const viewer = this.#hub.client(client);
      const state = viewer && this.#options.playback.onControl(message, viewer);
      if (state !== undefined) {
        this.broadcastPlaybackState({ ...state, requestId: message.requestId });
      }
    } else {
      // Everything else is the hub's (a refused playback request included).
      this.#hub.handleMessage(client, message);
    }
  }

  /** v1 `subscribe`: client-chosen subscription ids, checked per entry (spec A.4). */
  #subscribe(client: WebSocketClient, subscriptions: readonly SubscriptionV1[]): void {
    const fresh: { id: number }[] = [];
    for (const { id, channelId } of subscriptions) {
      if (this.#hub.channels.get(channelId) === undefined) {
        client.sendStatus(StatusLevel.Error, `Unknown channel ID: ${channelId}`);
      } else if (client.subscriptionOf(channelId) !== undefined) {
        client.sendStatus(
          StatusLevel.Warning,
          `Client is already subscribed to channel: ${channelId}; ignoring subscription`,
        );
      } else if (client.channelOf(id) !== undefined) {
        client.sendStatus(
          StatusLevel.Error,
          `Subscription ID was already used: ${id}; ignoring subscription`,
        );
      } else {
        client.addSubscription(id, channelId);
        fresh.push({ id: channelId });
      }
    }
    if (fresh.length > 0) {
      this.#hub.handleMessage(client, { op: "subscribe", channels: fresh });
    }
  }
}

function notFound(_req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(404, { "content-type": "text/plain" }).end("Foxglove WebSocket server\n");
}

function pem(value: string | Uint8Array): string | Buffer {
  return typeof value === "string" ? value : Buffer.from(value);
}
