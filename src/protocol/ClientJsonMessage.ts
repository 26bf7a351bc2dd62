import type { Parameter } from "./Parameter.js";

/**
 * Client → server JSON messages (spec 3.3, appendix A.4). Field names exactly as on the wire.
 * `subscribe`/`unsubscribe` have a v2 shape (channel ids) and a v1 shape (subscription ids).
 */

/** One entry of a v2 `subscribe` (3.3.1). */
export interface SubscribeChannel {
  /** Channel id (u64, < 2^53 here). */
  id: number;
  /** Ask for the video track instead of data; default `false` (always written on encode). */
  requestVideoTrack?: boolean;
}

/** `subscribe`, v2 shape (3.3.1). */
export interface Subscribe {
  op: "subscribe";
  channels: SubscribeChannel[];
}

/** One entry of a v1 `subscribe` (A.4). */
export interface SubscriptionV1 {
  /** Subscription id chosen by the client (u32). */
  id: number;
  /** Channel id (u64, < 2^53 here). */
  channelId: number;
}

/** `subscribe`, v1 shape (A.4). */
export interface SubscribeV1 {
  op: "subscribe";
  subscriptions: SubscriptionV1[];
}

/** `unsubscribe`, v2 shape (3.3.2). */
export interface Unsubscribe {
  op: "unsubscribe";
  channelIds: number[];
}

/** `unsubscribe`, v1 shape (A.4). */
export interface UnsubscribeV1 {
  op: "unsubscribe";
  subscriptionIds: number[];
}

/** A channel in a client `advertise` (3.3.3). */
export interface ClientChannel {
  /** Client channel id (u32). */
  id: number;
  topic: string;
  encoding: string;
  /** Schema name, may be `""` (required on the wire). */
  schemaName: string;
  schemaEncoding?: string;
  /** Schema text (3.4). */
  schema?: string;
}

/** Client `advertise` (3.3.3). */
export interface ClientAdvertise {
  op: "advertise";
  channels: ClientChannel[];
}

/** Client `unadvertise` (3.3.4). */
export interface ClientUnadvertise {
  op: "unadvertise";
  channelIds: number[];
}

/** `getParameters` (3.3.5). */
export interface GetParameters {
  op: "getParameters";
  parameterNames: string[];
  /** Echoed in the reply. */
  id?: string;
}

/** `setParameters` (3.3.6). */
export interface SetParameters {
  op: "setParameters";
  parameters: Parameter[];
  /** When present the server replies with `parameterValues` carrying it. */
  id?: string;
}

/** `subscribeParameterUpdates` (3.3.7). */
export interface SubscribeParameterUpdates {
  op: "subscribeParameterUpdates";
  parameterNames: string[];
}

/** `unsubscribeParameterUpdates` (3.3.8). */
export interface UnsubscribeParameterUpdates {
  op: "unsubscribeParameterUpdates";
  parameterNames: string[];
}

/** `subscribeConnectionGraph` (3.3.9). */
export interface SubscribeConnectionGraph {
  op: "subscribeConnectionGraph";
}

/** `unsubscribeConnectionGraph` (3.3.10). */
export interface UnsubscribeConnectionGraph {
  op: "unsubscribeConnectionGraph";
}

/** `fetchAsset` (3.3.11). */
export interface FetchAsset {
  op: "fetchAsset";
  /** u32, echoed in `FetchAssetResponse`. */
  requestId: number;
  uri: string;
}

/** Client JSON messages shared by v1 and v2. */
export type CommonClientJsonMessage =
  | ClientAdvertise
  | ClientUnadvertise
  | GetParameters
  | SetParameters
  | SubscribeParameterUpdates
  | UnsubscribeParameterUpdates
  | SubscribeConnectionGraph
  | UnsubscribeConnectionGraph
  | FetchAsset;

/** Any client → server JSON message of protocol v2 (LiveKit), discriminated by `op`. */
export type ClientJsonMessage = Subscribe | Unsubscribe | CommonClientJsonMessage;

/** Any client → server JSON message of protocol v1 (local WebSocket), discriminated by `op`. */
export type ClientJsonMessageV1 = SubscribeV1 | UnsubscribeV1 | CommonClientJsonMessage;

/** The `op` of a client JSON message. */
export type ClientJsonOp = ClientJsonMessage["op"];
