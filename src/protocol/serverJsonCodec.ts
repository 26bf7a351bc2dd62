import type { Time } from "../core/time.js";
import { encodeError, guardDecode } from "./errors.js";
import type { JsonFields } from "./JsonFields.js";
import { JsonWriter, mapItems } from "./JsonWriter.js";
import { decodeParameter, encodeParameter } from "./parameterCodec.js";
import { jsonMessageFields, unknownOpError } from "./jsonMessage.js";
import type {
  AdvertisedChannel,
  AdvertisedSchema,
  AdvertisedService,
  SchemaTableChannel,
  ServerJsonMessage,
  ServiceMessageSchema,
} from "./ServerJsonMessage.js";
import { isStatusLevel } from "./StatusLevel.js";

// ---- encoding ----

function timeJson(t: Time, field: string): string {
  if (typeof t !== "object" || t === null) {
    throw encodeError(`${field} must be {sec, nsec}`);
  }
  return new JsonWriter(field).u32("sec", t.sec).u32("nsec", t.nsec).toString();
}

function channelJson(c: AdvertisedChannel, field: string): string {
  return new JsonWriter(field)
    .u64("id", c.id)
    .string("topic", c.topic)
    .string("encoding", c.encoding)
    .string("schemaName", c.schemaName)
    .optString("schemaEncoding", c.schemaEncoding)
    .string("schema", c.schema)
    .record("metadata", c.metadata, true)
    .toString();
}

function tableSchemaJson(s: AdvertisedSchema, field: string): string {
  return new JsonWriter(field)
    .u64("id", s.id)
    .string("name", s.name)
    .string("encoding", s.encoding)
    .string("data", s.data)
    .toString();
}

function tableChannelJson(c: SchemaTableChannel, field: string): string {
  const w = new JsonWriter(field)
    .u64("id", c.id)
    .string("topic", c.topic)
    .string("encoding", c.encoding);
  if (c.schemaId !== undefined) {
    w.u64("schemaId", c.schemaId);
  }
  return w.record("metadata", c.metadata, true).toString();
}

function messageSchemaJson(s: ServiceMessageSchema, field: string): string {
  return new JsonWriter(field)
    .string("encoding", s.encoding)
    .string("schemaName", s.schemaName)
    .string("schemaEncoding", s.schemaEncoding)
    .string("schema", s.schema)
    .toString();
}

function serviceJson(s: AdvertisedService, field: string): string {
  const w = new JsonWriter(field).u32("id", s.id).string("name", s.name).string("type", s.type);
  if (s.request !== undefined) {
    w.raw("request", messageSchemaJson(s.request, `${field}.request`));
  } else {
    w.string("requestSchema", s.requestSchema ?? "");
  }
  if (s.response !== undefined) {
    w.raw("response", messageSchemaJson(s.response, `${field}.response`));
  } else {
    w.string("responseSchema", s.responseSchema ?? "");
  }
  return w.toString();
}

function namedIds<K extends "publisherIds" | "subscriberIds" | "providerIds">(key: K) {
  return (e: { name: string } & Record<K, string[]>, field: string): string =>
    new JsonWriter(field).string("name", e.name).stringArray(key, e[key]).toString();
}

/**
 * Compact JSON text of a server → client message, exactly as the reference serializes it: `op`
 * first, fields in spec order, optional fields omitted, channel metadata keys sorted. Throws
 * `ERR_ENCODE` when a field has the wrong type or an id is out of range.
 */
export function encodeServerJson(message: ServerJsonMessage): string {
  const m = message;
  const w = new JsonWriter(m.op).string("op", m.op);
  switch (m.op) {
    case "serverInfo":
      w.string("name", m.name)
        .stringArray("capabilities", m.capabilities)
        .nonEmptyStringArray("supportedEncodings", m.supportedEncodings)
        .record("metadata", m.metadata, false)
        .optString("sessionId", m.sessionId);
      if (m.dataStartTime !== undefined) {
        w.raw("dataStartTime", timeJson(m.dataStartTime, "serverInfo.dataStartTime"));
      }
      if (m.dataEndTime !== undefined) {
        w.raw("dataEndTime", timeJson(m.dataEndTime, "serverInfo.dataEndTime"));
      }
      break;
    case "status":
      if (!isStatusLevel(m.level)) {
        throw encodeError("status.level must be 0, 1 or 2");
      }
      w.raw("level", String(m.level)).string("message", m.message).optString("id", m.id);
      break;
    case "removeStatus":
      w.stringArray("statusIds", m.statusIds);
      break;
    case "advertise":
      if ("schemas" in m) {
        const schemas = mapItems(m.schemas, "advertise.schemas", tableSchemaJson);
        if (schemas.length > 0) {
          w.rawArray("schemas", schemas);
        }
        w.rawArray("channels", mapItems(m.channels, "advertise.channels", tableChannelJson));
      } else {
        w.rawArray("channels", mapItems(m.channels, "advertise.channels", channelJson));
      }
      break;
    case "unadvertise":
      w.u64Array("channelIds", m.channelIds);
      break;
    case "parameterValues":
      w.rawArray(
        "parameters",
        mapItems(m.parameters, "parameterValues.parameters", (p, f) => encodeParameter(p, f)),
      ).optString("id", m.id);
      break;
    case "advertiseServices":
      w.rawArray("services", mapItems(m.services, "advertiseServices.services", serviceJson));
      break;
    case "unadvertiseServices":
      w.u32Array("serviceIds", m.serviceIds);
      break;
    case "connectionGraphUpdate":
      w.rawArray(
        "publishedTopics",
        mapItems(m.publishedTopics, "publishedTopics", namedIds("publisherIds")),
      )
        .rawArray(
          "subscribedTopics",
          mapItems(m.subscribedTopics, "subscribedTopics", namedIds("subscriberIds")),
        )
        .rawArray(
          "advertisedServices",
          mapItems(m.advertisedServices, "advertisedServices", namedIds("providerIds")),
        )
        .stringArray("removedTopics", m.removedTopics)
        .stringArray("removedServices", m.removedServices);
      break;
    case "serviceCallFailure":
      w.u32("serviceId", m.serviceId).u32("callId", m.callId).string("message", m.message);
      break;
    default:
      throw encodeError(`Unknown server message op: ${String((m as { op: unknown }).op)}`);
  }
  return w.toString();
}

// ---- decoding ----

function decodeTime(f: JsonFields | undefined): Time | undefined {
  return f === undefined ? undefined : { sec: f.u32("sec"), nsec: f.u32("nsec") };
}

function decodeChannel(f: JsonFields): AdvertisedChannel {
  const c: AdvertisedChannel = {
    id: f.u64("id"),
    topic: f.string("topic"),
    encoding: f.string("encoding"),
    schemaName: f.string("schemaName"),
    schema: "",
  };
  const schemaEncoding = f.optString("schemaEncoding");
  if (schemaEncoding !== undefined) {
    c.schemaEncoding = schemaEncoding;
  }
  c.schema = f.string("schema");
  const metadata = f.optStringRecord("metadata");
  if (metadata !== undefined) {
    c.metadata = metadata;
  }
  return c;
}

function decodeTableChannel(f: JsonFields): SchemaTableChannel {
  const c: SchemaTableChannel = {
    id: f.u64("id"),
    topic: f.string("topic"),
    encoding: f.string("encoding"),
  };
  if (f.object.get("schemaId") != null) {
    c.schemaId = f.u64("schemaId");
  }
  const metadata = f.optStringRecord("metadata");
  if (metadata !== undefined) {
    c.metadata = metadata;
  }
  return c;
}

/**
 * Decodes either `advertise` form by its shape, never by a version (delta 1.5): the schema-table
 * form when `schemas` is present or any channel lacks `schemaName` or `schema` or has `schemaId`.
 */
function decodeAdvertise(f: JsonFields): ServerJsonMessage {
  const channels = f.objects("channels");
  const isTable =
    f.object.get("schemas") != null ||
    channels.some(
      (c) =>
        c.object.get("schemaId") != null || !c.object.has("schemaName") || !c.object.has("schema"),
    );
  if (!isTable) {
    return { op: "advertise", channels: channels.map(decodeChannel) };
  }
  const schemas = f.object.get("schemas") == null ? [] : f.objects("schemas");
  return {
    op: "advertise",
    schemas: schemas.map((s) => ({
      id: s.u64("id"),
      name: s.string("name"),
      encoding: s.string("encoding"),
      data: s.string("data"),
    })),
    channels: channels.map(decodeTableChannel),
  };
}

function decodeMessageSchema(f: JsonFields): ServiceMessageSchema {
  return {
    encoding: f.string("encoding"),
    schemaName: f.string("schemaName"),
    schemaEncoding: f.string("schemaEncoding"),
    schema: f.string("schema"),
  };
}

function decodeService(f: JsonFields): AdvertisedService {
  const s: AdvertisedService = { id: f.u32("id"), name: f.string("name"), type: f.string("type") };
  for (const side of ["request", "response"] as const) {
    const obj = f.optObject(side);
    const legacy = f.optString(`${side}Schema`);
    if (obj !== undefined) {
      s[side] = decodeMessageSchema(obj);
    }
    if (legacy !== undefined) {
      s[`${side}Schema`] = legacy;
    }
    if (obj === undefined && legacy === undefined) {
      f.fail(side, `an object (or ${side}Schema a string)`);
    }
  }
  return s;
}

function decodeServer(input: string | Uint8Array): ServerJsonMessage {
  const { f, op } = jsonMessageFields(input);
  switch (op) {
    case "serverInfo": {
      const m: ServerJsonMessage = {
        op,
        name: f.string("name"),
        capabilities: f.stringArray("capabilities"),
      };
      const supportedEncodings = f.nonEmptyStringArray("supportedEncodings");
      const metadata = f.optStringRecord("metadata");
      const sessionId = f.optString("sessionId");
      const dataStartTime = decodeTime(f.optObject("dataStartTime"));
      const dataEndTime = decodeTime(f.optObject("dataEndTime"));
      if (supportedEncodings !== undefined) m.supportedEncodings = supportedEncodings;
      if (metadata !== undefined) m.metadata = metadata;
      if (sessionId !== undefined) m.sessionId = sessionId;
      if (dataStartTime !== undefined) m.dataStartTime = dataStartTime;
      if (dataEndTime !== undefined) m.dataEndTime = dataEndTime;
      return m;
    }
    case "status": {
      const level = f.u32("level");
      if (!isStatusLevel(level)) {
        return f.fail("level", "0, 1 or 2");
      }
      const id = f.optString("id");
      const message = f.string("message");
      return id === undefined ? { op, level, message } : { op, level, message, id };
    }
    case "removeStatus":
      return { op, statusIds: f.stringArray("statusIds") };
    case "advertise":
      return decodeAdvertise(f);
    case "unadvertise":
      return { op, channelIds: f.u64Array("channelIds") };
    case "parameterValues": {
      const parameters = f
        .array("parameters")
        .map((p, i) => decodeParameter(p, op, `parameters[${i}]`));
      const id = f.optString("id");
      return id === undefined ? { op, parameters } : { op, parameters, id };
    }
    case "advertiseServices":
      return { op, services: f.objects("services").map(decodeService) };
    case "unadvertiseServices":
      return { op, serviceIds: f.u32Array("serviceIds") };
    case "connectionGraphUpdate":
      return {
        op,
        publishedTopics: f.objects("publishedTopics").map((e) => ({
          name: e.string("name"),
          publisherIds: e.stringArray("publisherIds"),
        })),
        subscribedTopics: f.objects("subscribedTopics").map((e) => ({
          name: e.string("name"),
          subscriberIds: e.stringArray("subscriberIds"),
        })),
        advertisedServices: f.objects("advertisedServices").map((e) => ({
          name: e.string("name"),
          providerIds: e.stringArray("providerIds"),
        })),
        removedTopics: f.stringArray("removedTopics"),
        removedServices: f.stringArray("removedServices"),
      };
    case "serviceCallFailure":
      return {
        op,
        serviceId: f.u32("serviceId"),
        callId: f.u32("callId"),
        message: f.string("message"),
      };
    default:
      throw unknownOpError("server", op);
  }
}

/**
 * Decodes a server → client JSON message (text, or UTF-8 bytes). Unknown fields are ignored;
 * missing or ill-typed fields, unknown `op`, bad JSON or bad UTF-8 throw `ERR_DECODE`.
 */
export function decodeServerJson(input: string | Uint8Array): ServerJsonMessage {
  return guardDecode("server JSON message", () => decodeServer(input));
}
