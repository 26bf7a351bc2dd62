import { MESSAGE_DATA_V1_HEADER_SIZE, writeMessageDataV1 } from "../protocol/serverBinaryCodec.js";

/** WebSocket frame header, first byte: FIN and the binary opcode. */
const FIN_BINARY = 0x82;

/**
 * A binary message framed for the WebSocket wire (server to client, so unmasked): written to a
 * connection as it is, the same bytes for every client of a broadcast.
 */
export class WireFrame {
  /** The WebSocket frame: header, then the message. */
  readonly bytes: Uint8Array;
  /** Length of the WebSocket header at the start of {@link bytes}. */
  readonly headerBytes: number;

  constructor(bytes: Uint8Array, headerBytes: number) {
    this.bytes = bytes;
    this.headerBytes = headerBytes;
  }

  /** The message without its WebSocket header (for `ws`'s `send`). */
  get message(): Uint8Array {
    return this.bytes.subarray(this.headerBytes);
  }
}

/** Bytes of the header of an unmasked WebSocket frame carrying `length` bytes (RFC 6455 5.2). */
function headerBytes(length: number): number {
  return length < 126 ? 2 : length < 0x10000 ? 4 : 10;
}

/** Writes that header at the start of `out` (lengths big-endian). */
function writeHeader(out: Uint8Array, length: number): void {
  out[0] = FIN_BINARY;
  if (length < 126) {
    out[1] = length;
  } else if (length < 0x10000) {
    out[1] = 126;
    out[2] = length >>> 8;
    out[3] = length & 0xff;
  } else {
    out[1] = 127;
    const view = new DataView(out.buffer, out.byteOffset, 10);
    view.setUint32(2, Math.floor(length / 0x1_0000_0000));
    view.setUint32(6, length % 0x1_0000_0000);
  }
}

/**
 * One message's v1 `MessageData` frames for the clients of one broadcast: encoded once per
 * subscription id (clients usually choose the same ids, so usually once in all), WebSocket header
 * included, and the same bytes written to every connection. Encoding throws `ERR_ENCODE` for an
 * out-of-range id or time.
 */
export class SharedMessageData {
  readonly #data: Uint8Array;
  readonly #logTime: bigint;
  #firstId = -1;
  #first: WireFrame | undefined;
  #others: Map<number, WireFrame> | undefined;

  /** `data` is the payload, `logTime` nanoseconds; neither is copied until a frame is built. */
  constructor(data: Uint8Array, logTime: bigint) {
    this.#data = data;
    this.#logTime = logTime;
  }

  /** The frame for a client that subscribed with `subscriptionId`. */
  frameFor(subscriptionId: number): WireFrame {
    if (subscriptionId === this.#firstId && this.#first !== undefined) {
      return this.#first;
    }
    let frame = this.#others?.get(subscriptionId);
    if (frame === undefined) {
      frame = this.#encode(subscriptionId);
      if (this.#first === undefined) {
        this.#firstId = subscriptionId;
        this.#first = frame;
      } else {
        (this.#others ??= new Map()).set(subscriptionId, frame);
      }
    }
    return frame;
  }

  #encode(subscriptionId: number): WireFrame {
    const length = MESSAGE_DATA_V1_HEADER_SIZE + this.#data.byteLength;
    const header = headerBytes(length);
    // A Buffer (Node's pool for small ones): sockets take it as is; every byte is written below.
    const bytes = Buffer.allocUnsafe(header + length);
    writeMessageDataV1(bytes, header, subscriptionId, this.#logTime, this.#data);
    writeHeader(bytes, length);
    return new WireFrame(bytes, header);
  }
}

/**
 * The shared frames of the reliable message being broadcast: the hub hands the same message
 * object to each client in turn, so the frames of the last one are kept until another comes.
 */
export class ReliableMessageFrames {
  #message: object | undefined;
  #frames: SharedMessageData | undefined;

  /** The frames of `message` (`data` nanoseconds `logTime`), shared with the other clients. */
  of(message: { readonly data: Uint8Array; readonly logTime: bigint }): SharedMessageData {
    if (message !== this.#message || this.#frames === undefined) {
      this.#message = message;
      this.#frames = new SharedMessageData(message.data, message.logTime);
    }
    return this.#frames;
  }
}
