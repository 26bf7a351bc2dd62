import type { ChannelDescriptor } from "../../core/ChannelDescriptor.js";
import { log } from "../../core/logger.js";
import type { Schema } from "../../core/Schema.js";
import {
  decodeSchemaText,
  type ClientChannel,
  type ClientMessage,
  type SubscribeChannel,
} from "../../protocol/index.js";
import type { Participant } from "./Participant.js";
import type { SessionHandlerContext } from "./SessionHandlerContext.js";

/**
 * Handles one message from an admitted viewer whose capability was already checked:
 * subscriptions (spec session 5.2/5.3), client publish (9.2), parameter update subscriptions
 * (9.4), ping/pong (9.7). Other requests (services, assets, parameter get/set, connection graph)
 * are logged as not handled here.
 */
export function handleViewerMessage(
  s: SessionHandlerContext,
  p: Participant,
  message: ClientMessage,
): void {
  switch (message.op) {
    case "subscribe":
      subscribe(s, p, message.channels);
      return;
    case "unsubscribe":
      unsubscribe(s, p, message.channelIds);
      return;
    case "advertise":
      advertiseClientChannels(s, p, message.channels);
      return;
    case "unadvertise":
      for (const id of message.channelIds) {
        const channel = s.clientChannels.remove(p.sid, id);
        if (channel === undefined) {
          log.debug(`viewer ${p.identity} unadvertised unknown client channel ${id}`);
        } else {
          s.notify("onClientUnadvertise", (l) => l.onClientUnadvertise?.(s.client(p), channel));
        }
      }
      return;
    case "messageData": {
      const channel = s.clientChannels.get(p.sid, message.channelId);
      if (channel !== undefined) {
        const data = message.data;
        s.notify("onMessageData", (l) => l.onMessageData?.(s.client(p), channel, data));
      } else if (s.participants.getBySid(p.sid) === p) {
        s.send(p, {
          op: "status",
          level: 2,
          message: `Client has not advertised channel: ${message.channelId}`,
        });
      }
      return;
    }
    case "subscribeParameterUpdates": {
      if (s.participants.getBySid(p.sid) !== p) {
        return;
      }
      const first = s.parameterSubscriptions.subscribe(p.sid, message.parameterNames);
      if (first.length > 0) {
        s.notify("onParametersSubscribe", (l) => l.onParametersSubscribe?.(first));
      }
      return;
    }
    case "unsubscribeParameterUpdates": {
      const last = s.parameterSubscriptions.unsubscribe(p.sid, message.parameterNames);
      if (last.length > 0) {
        s.notify("onParametersUnsubscribe", (l) => l.onParametersUnsubscribe?.(last));
      }
      return;
    }
    case "ping":
      s.send(p, {
        op: "pong",
        appTimestamp: message.appTimestamp,
        deviceTimestamp: BigInt(Date.now()),
      });
      return;
    case "pingAck": {
      const now = BigInt(Date.now());
      if (now >= message.deviceTimestamp) {
        s.pingRtt.record(Number(now - message.deviceTimestamp));
      }
      return;
    }
    case "getParameters":
    case "setParameters":
    case "subscribeConnectionGraph":
    case "unsubscribeConnectionGraph":
    case "fetchAsset":
    case "serviceCallRequest":
    case "playbackControlRequest":
      log.debug(`Unhandled client message: ${message.op} (viewer ${p.identity})`);
      return;
  }
}

function subscribe(s: SessionHandlerContext, p: Participant, requests: SubscribeChannel[]): void {
  if (s.participants.getBySid(p.sid) !== p) {
    return; // replaced or removed meanwhile: never create state for a stale SID
  }
  const changes = s.channels.subscribe(p.sid, requests);
  for (const id of changes.videoUnsupported) {
    s.send(p, {
      op: "status",
      level: 2,
      message: `Channel ${id} does not support video transcoding`,
    });
  }
  if (changes.unknown.length > 0) {
    log.debug(`viewer ${p.identity} subscribed to unknown channels ${changes.unknown.join(", ")}`);
  }
  if (changes.firstSubscribed.length > 0) {
    s.subscribeContext(changes.firstSubscribed.map((c) => c.id));
  }
  for (const id of changes.firstVideo) {
    s.dataPlane.startVideo?.(id);
  }
  for (const id of changes.lastVideo) {
    s.dataPlane.stopVideo?.(id);
  }
  const client = s.client(p);
  for (const { channel } of changes.newlySubscribed) {
    s.notify("onSubscribe", (l) => l.onSubscribe?.(client, channel));
  }
  for (const { channel, video } of changes.newlySubscribed) {
    const warning = video ? undefined : s.dropWarnings.active(channel.id);
    if (warning !== undefined) {
      s.send(p, warning);
    }
  }
}

function unsubscribe(s: SessionHandlerContext, p: Participant, ids: number[]): void {
  const changes = s.channels.unsubscribe(p.sid, ids);
  if (changes.lastUnsubscribed.length > 0) {
    s.unsubscribeContext(changes.lastUnsubscribed.map((c) => c.id));
  }
  for (const id of changes.lastVideo) {
    s.dataPlane.stopVideo?.(id);
  }
  if (changes.unsubscribed.length === 0) {
    return;
  }
  const retract = s.dropWarnings.activeIds(changes.unsubscribed.map((c) => c.id));
  if (retract.length > 0) {
    s.send(p, { op: "removeStatus", statusIds: retract });
  }
  const client = s.client(p);
  for (const channel of changes.unsubscribed) {
    s.notify("onUnsubscribe", (l) => l.onUnsubscribe?.(client, channel));
  }
}

function advertiseClientChannels(
  s: SessionHandlerContext,
  p: Participant,
  channels: ClientChannel[],
): void {
  if (s.participants.getBySid(p.sid) !== p) {
    return;
  }
  for (const c of channels) {
    let schema: Schema | undefined;
    try {
      schema = clientSchema(c);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      log.warn(`viewer ${p.identity}: failed to decode schema for client channel ${c.id}`, error);
      s.send(p, {
        op: "status",
        level: 2,
        message: `Failed to decode schema for channel ${c.id}: ${reason}`,
      });
      continue;
    }
    const descriptor: ChannelDescriptor = {
      id: c.id,
      topic: c.topic,
      messageEncoding: c.encoding,
      schema,
      metadata: {},
    };
    if (!s.clientChannels.insert(p.sid, descriptor)) {
      s.send(p, {
        op: "status",
        level: 1,
        message: `Client is already advertising channel: ${c.id}; ignoring advertisement`,
      });
      continue;
    }
    s.notify("onClientAdvertise", (l) => l.onClientAdvertise?.(s.client(p), descriptor));
  }
}

/**
 * The schema of a client channel: decoded text/base64 when both encoding and schema are given,
 * else a name-only schema (teleop panels send only a name), else none. Throws on bad base64.
 */
function clientSchema(c: ClientChannel): Schema | undefined {
  if (c.schemaEncoding !== undefined && c.schema !== undefined) {
    return {
      name: c.schemaName,
      encoding: c.schemaEncoding,
      data: decodeSchemaText(c.schemaEncoding, c.schema),
    };
  }
  if (c.schemaName !== "") {
    return { name: c.schemaName, encoding: c.schemaEncoding ?? "", data: new Uint8Array(0) };
  }
  return undefined;
}
