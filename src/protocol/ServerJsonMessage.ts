import type { Time } from "../core/time.js";
import type { Parameter } from "./Parameter.js";
import type { StatusLevel } from "./StatusLevel.js";

/**
 * Server → client JSON messages (spec 3.2), identical in v1 and v2. Field names are exactly as on
 * the wire; optional fields are omitted (never `null`) when absent. Ids are plain numbers: u32 for
 * services, u64 below 2^53 for channels.
 */

/** `serverInfo` (3.2.1): first message of every session. */
export interface ServerInfo {
  op: "serverInfo";
  /** Free-form server name. */
  name: string;
  /** Capability strings (5.1); unknown strings are kept as is. */
  capabilities: string[];
  /** Encodings accepted for client publishing and service requests; omitted when empty. */
  supportedEncodings?: string[];
  /** Free-form key/values (the SDK adds `fg-library`); omitted when empty. */
  metadata?: Record<string, string>;
  /** Server session id (v2 always sends it). */
  sessionId?: string;
  /** v1 playback servers only: start of the data range. */
  dataStartTime?: Time;
  /** v1 playback servers only: end of the data range. */
  dataEndTime?: Time;
}

/** `status` (3.2.2). */
export interface Status {
  op: "status";
  /** 0 info, 1 warning, 2 error. */
  level: StatusLevel;
  message: string;
  /** A later status with the same id replaces this one; `removeStatus` clears it. */
  id?: string;
}

/** `removeStatus` (3.2.3). */
export interface RemoveStatus {
  op: "removeStatus";
  statusIds: string[];
}

/** A channel in a server `advertise` (3.2.4). */
export interface AdvertisedChannel {
  /** Channel id (u64, < 2^53 here). */
  id: number;
  topic: string;
  /** Message encoding (`json`, `protobuf`, ...). */
  encoding: string;
  /** Schema name; `""` when the channel has no schema. */
  schemaName: string;
  /** Schema encoding; omitted when there is no schema. */
  schemaEncoding?: string;
  /** Schema as text (3.4: base64 for protobuf/flatbuffer); `""` when there is no schema. */
  schema: string;
  /** Channel metadata, keys sorted on output; omitted when empty. */
  metadata?: Record<string, string>;
}

/** Server `advertise` (3.2.4), inline form: new channels or replacements of known ids. */
export interface ServerAdvertise {
  op: "advertise";
  channels: AdvertisedChannel[];
}

/** A schema definition in a schema-table `advertise` (delta 1.3). */
export interface AdvertisedSchema {
  /** Connection-local schema id (u64, from 1, never reused while the table lives). */
  id: number;
  /** Schema name (the inline form's `schemaName`). */
  name: string;
  /** Schema encoding (`""` when the channel had none). */
  encoding: string;
  /** Schema as text (3.4: base64 for protobuf/flatbuffer). */
  data: string;
}

/** A channel in a schema-table `advertise` (delta 1.3): no inline schema fields. */
export interface SchemaTableChannel {
  /** Channel id (u64, < 2^53 here). */
  id: number;
  topic: string;
  /** Message encoding. */
  encoding: string;
  /** Id of a schema defined on this connection; omitted when the channel has no schema. */
  schemaId?: number;
  /** Channel metadata, keys sorted on output; omitted when empty. */
  metadata?: Record<string, string>;
}

/**
 * Server `advertise` with a connection-scoped schema table (protocol 2.3.0 for viewers at 2.3.0 or
 * above; WebSocket subprotocol `foxglove.sdk.v1.1`). `schemas` lists only the definitions not
 * sent before on this connection, in order of first use; it is omitted on the wire when empty and
 * decoded as `[]`. Its presence tells this form from {@link ServerAdvertise} in TypeScript.
 */
export interface ServerAdvertiseWithSchemaTable {
  op: "advertise";
  schemas: AdvertisedSchema[];
  channels: SchemaTableChannel[];
}

/** Server `unadvertise` (3.2.5). */
export interface ServerUnadvertise {
  op: "unadvertise";
  channelIds: number[];
}

/** `parameterValues` (3.2.6). */
export interface ParameterValues {
  op: "parameterValues";
  parameters: Parameter[];
  /** Request id echoed from `getParameters`/`setParameters`; absent for pushes. */
  id?: string;
}

/** Request or response schema of a service (3.2.7); all fields required. */
export interface ServiceMessageSchema {
  /** Message encoding of requests/responses. */
  encoding: string;
  schemaName: string;
  schemaEncoding: string;
  /** Schema text (3.4). */
  schema: string;
}

/**
 * A service in `advertiseServices` (3.2.7). Each side has either the object form (`request`,
 * `response`) or the legacy string form (`requestSchema`, `responseSchema`); receivers accept
 * either per side. When both are given the object form wins on encode.
 */
export interface AdvertisedService {
  /** Service id (u32). */
  id: number;
  name: string;
  /** Service type name. */
  type: string;
  request?: ServiceMessageSchema;
  /** Legacy schema text, present only when `request` is absent. */
  requestSchema?: string;
  response?: ServiceMessageSchema;
  /** Legacy schema text, present only when `response` is absent. */
  responseSchema?: string;
}

/** `advertiseServices` (3.2.7). */
export interface AdvertiseServices {
  op: "advertiseServices";
  services: AdvertisedService[];
}

/** `unadvertiseServices` (3.2.8). */
export interface UnadvertiseServices {
  op: "unadvertiseServices";
  serviceIds: number[];
}

/** A topic and its publishers (3.2.9). */
export interface PublishedTopic {
  name: string;
  publisherIds: string[];
}

/** A topic and its subscribers (3.2.9). */
export interface SubscribedTopic {
  name: string;
  subscriberIds: string[];
}

/** A service and its providers (3.2.9). */
export interface ServiceProviders {
  name: string;
  providerIds: string[];
}

/** `connectionGraphUpdate` (3.2.9); all arrays required (possibly empty). */
export interface ConnectionGraphUpdate {
  op: "connectionGraphUpdate";
  publishedTopics: PublishedTopic[];
  subscribedTopics: SubscribedTopic[];
  advertisedServices: ServiceProviders[];
  removedTopics: string[];
  removedServices: string[];
}

/** `serviceCallFailure` (3.2.10). */
export interface ServiceCallFailure {
  op: "serviceCallFailure";
  serviceId: number;
  callId: number;
  message: string;
}

/** Any server → client JSON message, discriminated by `op`. */
export type ServerJsonMessage =
  | ServerInfo
  | Status
  | RemoveStatus
  | ServerAdvertise
  | ServerAdvertiseWithSchemaTable
  | ServerUnadvertise
  | ParameterValues
  | AdvertiseServices
  | UnadvertiseServices
  | ConnectionGraphUpdate
  | ServiceCallFailure;

/** The `op` of a server JSON message. */
export type ServerJsonOp = ServerJsonMessage["op"];
