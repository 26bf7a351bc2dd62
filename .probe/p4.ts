import { startLiveKitServer } from "../test/helpers/livekitServer.js";
const server = await startLiveKitServer("probe");
const g = globalThis as any;
const a = await server.join("r1", "alice", { listener: {
  onParticipantConnected: (p) => console.log(`a:connected ${p.identity} ${p.state}`),
  onParticipantActive: (p) => console.log(`a:active ${p.identity}`),
}});
g._ffiClientInstance.on("ffi_event", (ev: any) => { if (ev.message.case === "roomEvent") console.log("room", ev.message.value.roomHandle, ev.message.value.message.case); });
console.log("a handle", (a as any));
const b = await server.join("r1", "bob");
await new Promise((r) => setTimeout(r, 1500));
await b.close(); await a.close(); await server.stop();
