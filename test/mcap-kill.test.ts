// A writer process killed with SIGKILL mid-run leaves a file that @mcap/core's stream reader reads
// up to the last complete chunk: a gap-free prefix of what was logged, holding at least every
// message the writer had flushed.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { readIndexed, readStream } from "../src/mcap/testing/readMcap.js";
import { within } from "./helpers/EventLog.js";

const child = new URL("./fixtures/mcapWriterChild.ts", import.meta.url).pathname;

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "mcap-kill-"));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

for (const compression of ["zstd", "lz4", "none"]) {
  test(`SIGKILL mid-run (${compression}): the stream reader gets every complete chunk`, async () => {
    const path = join(dir, `killed-${compression}.mcap`);
    const proc = spawn(process.execPath, ["--import", "tsx", child, path, compression], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    proc.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    let reported = 0;
    try {
      await within(
        new Promise<void>((resolve, reject) => {
          proc.stdout.setEncoding("utf8").on("data", (d: string) => {
            for (const m of d.matchAll(/logged (\d+)/g)) {
              reported = Math.max(reported, Number(m[1]));
            }
            if (reported >= 3000) resolve();
          });
          proc.on("exit", () => reject(new Error(`writer exited early: ${stderr}`)));
        }),
        60_000,
        "3000 messages logged",
      );
    } finally {
      proc.kill("SIGKILL");
    }
    await once(proc, "exit");

    await assert.rejects(readIndexed(path), "no summary: the writer never closed");
    const { messages, complete, chunkCompressions } = await readStream(path);
    assert.equal(complete, false);
    assert.deepEqual(chunkCompressions, [compression === "none" ? "" : compression]);
    const numbers = messages.map((m) =>
      new DataView(m.data.buffer, m.data.byteOffset).getUint32(0, true),
    );
    assert.deepEqual(
      numbers,
      numbers.map((_, i) => i),
      "a gap-free prefix",
    );
    assert.ok(numbers.length >= reported, `read ${numbers.length} of ${reported} flushed messages`);
  });
}
