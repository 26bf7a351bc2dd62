import { encodeServerMessageV1 } from "../protocol/index.js";

/**
 * One message's v1 `MessageData` frames for the clients of one broadcast: encoded once per
 * subscription id (clients usually choose the same ids, so usually once in all) and the same
 * bytes handed to every socket, which `ws` sends without copying. Encoding throws `ERR_ENCODE`
 * for an out-of-range id or time.
 */
export class SharedMessageData {
  readonly #data: Uint8Array;
  readonly #logTime: bigint;
  #firstId = -1;
  #first: Uint8Array | undefined;
  #others: Map<number, Uint8Array> | undefined;

  /** `data` is the payload, `logTime` nanoseconds; neither is copied until a frame is built. */
  constructor(data: Uint8Array, logTime: bigint) {
    this.#data = data;
    this.#logTime = logTime;
  }

  /** The frame for a client that subscribed with `subscriptionId`. */
  frameFor(subscriptionId: number): Uint8Array {
    if (subscriptionId === this.#firstId && this.#first !== undefined) {
      return this.#first;
    }
    let frame = this.#others?.get(subscriptionId);
    if (frame === undefined) {
      frame = encodeServerMessageV1({
        op: "messageData",
        subscriptionId,
        logTime: this.#logTime,
        data: this.#data,
      }) as Uint8Array;
      if (this.#first === undefined) {
        this.#firstId = subscriptionId;
        this.#first = frame;
      } else {
        (this.#others ??= new Map()).set(subscriptionId, frame);
      }
    }
    return frame;
  }
}
