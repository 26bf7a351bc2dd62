import type {
  ClientChannel,
  ClientJsonMessage,
  ClientJsonMessageV1,
  CommonClientJsonMessage,
} from "./ClientJsonMessage.js";
import { encodeError, guardDecode } from "./errors.js";
import type { JsonFields } from "./JsonFields.js";
import { jsonMessageFields, unknownOpError } from "./jsonMessage.js";
import { JsonWriter, mapItems } from "./JsonWriter.js";
import { decodeParameter, encodeParameter } from "./parameterCodec.js";

// ---- encoding ----

function clientChannelJson(c: ClientChannel, field: string): string {
  return new JsonWriter(field)
    .u32("id", c.id)
    .string("topic", c.topic)
    .string("encoding", c.encoding)
    .string("schemaName", c.schemaName)
    .optString("schemaEncoding", c.schemaEncoding)
    .optString("schema", c.schema)
    .toString();
}

/**
 * Compact JSON text of a client → server message, v2 or v1 shape (`subscribe` with `channels` is
 * v2, with `subscriptions` v1; `unsubscribe` with `channelIds` v2, `subscriptionIds` v1). The v2
 * `requestVideoTrack` is always written (default `false`). Throws `ERR_ENCODE` on bad fields.
 */
export function encodeClientJson(message: ClientJsonMessage | ClientJsonMessageV1): string {
  const m = message;
  const w = new JsonWriter(m.op).string("op", m.op);
  switch (m.op) {
    case "subscribe":
      if ("subscriptions" in m) {
        w.rawArray(
          "subscriptions",
          mapItems(m.subscriptions, "subscribe.subscriptions", (s, f) =>
            new JsonWriter(f).u32("id", s.id).u64("channelId", s.channelId).toString(),
          ),
        );
      } else {
        w.rawArray(
          "channels",
          mapItems(m.channels, "subscribe.channels", (c, f) =>
            new JsonWriter(f)
              .u64("id", c.id)
              .bool("requestVideoTrack", c.requestVideoTrack ?? false)
              .toString(),
          ),
        );
      }
      break;
    case "unsubscribe":
      if ("subscriptionIds" in m) {
        w.u32Array("subscriptionIds", m.subscriptionIds);
      } else {
        w.u64Array("channelIds", m.channelIds);
      }
      break;
    case "advertise":
      w.rawArray("channels", mapItems(m.channels, "advertise.channels", clientChannelJson));
      break;
    case "unadvertise":
      w.u32Array("channelIds", m.channelIds);
      break;
    case "getParameters":
      w.stringArray("parameterNames", m.parameterNames).optString("id", m.id);
      break;
    case "setParameters":
      w.rawArray(
        "parameters",
        mapItems(m.parameters, "setParameters.parameters", (p, f) => encodeParameter(p, f)),
      ).optString("id", m.id);
      break;
    case "subscribeParameterUpdates":
    case "unsubscribeParameterUpdates":
      w.stringArray("parameterNames", m.parameterNames);
      break;
    case "subscribeConnectionGraph":
    case "unsubscribeConnectionGraph":
      break;
    case "fetchAsset":
      w.u32("requestId", m.requestId).string("uri", m.uri);
      break;
    default:
      throw encodeError(`Unknown client message op: ${String((m as { op: unknown }).op)}`);
  }
  return w.toString();
}

// ---- decoding ----

function decodeClientChannel(f: JsonFields): ClientChannel {
  const c: ClientChannel = {
    id: f.u32("id"),
    topic: f.string("topic"),
    encoding: f.string("encoding"),
    schemaName: f.string("schemaName"),
  };
  const schemaEncoding = f.optString("schemaEncoding");
  const schema = f.optString("schema");
  if (schemaEncoding !== undefined) c.schemaEncoding = schemaEncoding;
  if (schema !== undefined) c.schema = schema;
  return c;
}

function decodeCommon(f: JsonFields, op: string): CommonClientJsonMessage {
  switch (op) {
    case "advertise":
      return { op, channels: f.objects("channels").map(decodeClientChannel) };
    case "unadvertise":
      return { op, channelIds: f.u32Array("channelIds") };
    case "getParameters": {
      const parameterNames = f.stringArray("parameterNames");
      const id = f.optString("id");
      return id === undefined ? { op, parameterNames } : { op, parameterNames, id };
    }
    case "setParameters": {
      const parameters = f
        .array("parameters")
        .map((p, i) => decodeParameter(p, op, `parameters[${i}]`));
      const id = f.optString("id");
      return id === undefined ? { op, parameters } : { op, parameters, id };
    }
    case "subscribeParameterUpdates":
    case "unsubscribeParameterUpdates":
      return { op, parameterNames: f.stringArray("parameterNames") };
    case "subscribeConnectionGraph":
    case "unsubscribeConnectionGraph":
      return { op };
    case "fetchAsset":
      return { op, requestId: f.u32("requestId"), uri: f.string("uri") };
    default:
      throw unknownOpError("client", op);
  }
}

/**
 * Decodes a client → server JSON message of protocol v2 (text or UTF-8 bytes). `subscribe`
 * entries always get `requestVideoTrack` (default `false`). Throws `ERR_DECODE` on bad input.
 */
export function decodeClientJson(input: string | Uint8Array): ClientJsonMessage {
  return guardDecode("client JSON message", () => {
    const { f, op } = jsonMessageFields(input);
    switch (op) {
      case "subscribe":
        return {
          op,
          channels: f.objects("channels").map((c) => ({
            id: c.u64("id"),
            requestVideoTrack: c.optBool("requestVideoTrack") ?? false,
          })),
        };
      case "unsubscribe":
        return { op, channelIds: f.u64Array("channelIds") };
      default:
        return decodeCommon(f, op);
    }
  });
}

/**
 * Decodes a client → server JSON message of protocol v1 (local WebSocket; subscription ids).
 * Throws `ERR_DECODE` on bad input.
 */
export function decodeClientJsonV1(input: string | Uint8Array): ClientJsonMessageV1 {
  return guardDecode("client JSON message", () => {
    const { f, op } = jsonMessageFields(input);
    switch (op) {
      case "subscribe":
        return {
          op,
          subscriptions: f
            .objects("subscriptions")
            .map((s) => ({ id: s.u32("id"), channelId: s.u64("channelId") })),
        };
      case "unsubscribe":
        return { op, subscriptionIds: f.u32Array("subscriptionIds") };
      default:
        return decodeCommon(f, op);
    }
  });
}
