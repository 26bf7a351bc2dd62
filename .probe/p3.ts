import { startLiveKitServer } from "../test/helpers/livekitServer.js";
import { setLogLevel } from "../src/core/logger.js";
setLogLevel("info");
const t0 = Date.now();
const server = await startLiveKitServer("probe");
console.log("server up", Date.now() - t0, "ms", server.url, server.logPath);
const events: string[] = [];
const a = await server.join("r1", "alice", { listener: {
  onParticipantConnected: (p) => events.push(`a:connected ${p.identity} ${p.state}`),
  onParticipantActive: (p) => events.push(`a:active ${p.identity}`),
  onParticipantDisconnected: (p) => events.push(`a:disconnected ${p.identity} ${p.disconnectReason}`),
}});
console.log("alice joined", Date.now() - t0);
const b = await server.join("r1", "bob", { attributes: { protocolVersion: "2.2.0" }, listener: {
  onParticipantConnected: (p) => events.push(`b:connected ${p.identity} ${p.state}`),
  onParticipantActive: (p) => events.push(`b:active ${p.identity} ${JSON.stringify(p.attributes)}`),
}});
console.log("bob joined", Date.now() - t0);
await new Promise((r) => setTimeout(r, 4000));
console.log(events);
// byte stream
const got: Uint8Array[] = [];
const done = new Promise<void>((resolve) => {
  b.onByteStream("control", async (s) => { for await (const c of s) got.push(c); resolve(); });
});
const w = await a.openByteStream({ topic: "control", destinationIdentities: ["bob"] });
for (let i = 0; i < 100; i++) void w.write(new Uint8Array([i]));
await w.close();
await done;
console.log("bytes", got.reduce((n, c) => n + c.length, 0), "chunks", got.length, Date.now() - t0);
// data track
const pubP = new Promise<any>((resolve) => b.addListener({ onDataTrackPublished: (t) => resolve(t) }));
const lt = await a.publishDataTrack("data-ch-1");
console.log("published", lt.name, lt.sid, lt.published, Date.now() - t0);
const rt = await pubP;
console.log("remote track", rt.name, rt.publisherIdentity);
const sub = rt.subscribe();
const frames: any[] = [];
const reader = (async () => { for await (const f of sub) { frames.push(f); if (frames.length >= 3) break; } })();
for (let i = 0; i < 50 && frames.length < 3; i++) {
  console.log("push", lt.tryPush(new Uint8Array([1,2,3,i]), 123456789n + BigInt(i)));
  await new Promise((r) => setTimeout(r, 100));
}
await reader;
console.log("frames", frames.map(f => [Array.from(f.payload), f.userTimestamp]), Date.now() - t0);
await b.close();
await a.close();
await server.stop();
console.log("done", Date.now() - t0);
