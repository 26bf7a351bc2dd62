import type { Context } from "../../src/core/Context.js";
import type { JoinRoom, RoomSession } from "../../src/gateway/index.js";
import { buildServerInfo } from "../../src/gateway/session/buildServerInfo.js";
import type { QosClassifier } from "../../src/gateway/session/QosProfile.js";
import { Session } from "../../src/gateway/session/Session.js";
import type { SessionListener } from "../../src/gateway/session/SessionListener.js";
import { connectRoom } from "../../src/livekit/index.js";

/** Options of {@link sessionJoiner}. */
export interface SessionJoinerOptions {
  context: Context;
  listener?: SessionListener;
  qosClassifier?: QosClassifier;
  messageBacklogSize?: number;
}

/**
 * A {@link JoinRoom} that runs our full session (control streams, channels, data tracks) in the
 * woken room. The benchmark uses it until the gateway's default join does the same; the gateway's
 * idle timeout is not driven by it (`viewerCount` is read on demand, `onChange` fires at the end).
 */
export function sessionJoiner(options: SessionJoinerOptions): JoinRoom {
  return async (request, signal) => {
    const room = await connectRoom(request.url, request.token, { signal });
    const session = Session.start({
      room,
      context: options.context,
      serverInfo: buildServerInfo({
        name: request.serverName,
        capabilities: [],
        sessionId: request.remoteAccessSessionId ?? "",
      }),
      listener: options.listener,
      qosClassifier: options.qosClassifier,
      messageBacklogSize: options.messageBacklogSize,
    });
    const listeners = new Set<() => void>();
    let ended: string | undefined;
    void session.done.then((why) => {
      ended = why;
      for (const l of [...listeners]) l();
    });
    const roomSession: RoomSession = {
      get viewerCount() {
        return session.core.participantCount;
      },
      get endedReason() {
        return ended;
      },
      onChange(listener) {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
      async close() {
        await session.stop();
        await room.close();
      },
    };
    return roomSession;
  };
}
