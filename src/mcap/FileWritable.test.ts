import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { link, lstat, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { FileWritable } from "./FileWritable.js";

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "file-writable-"));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

test("writev keeps order and bytes, on the calling thread (small) and on the pool (over 4 MiB)", async () => {
  const path = join(dir, "out.bin");
  const file = await FileWritable.create(path, false);
  const small = [randomBytes(100), new Uint8Array(0), randomBytes(70_000)];
  const large = [randomBytes(3 * 1024 * 1024), randomBytes(2 * 1024 * 1024)];
  const tail = randomBytes(10);
  await file.writev(small);
  await file.writev(large);
  await file.write(tail);
  await file.writev([tail]);
  await file.close();
  const expected = Buffer.concat([...small, ...large, tail, tail]);
  assert.equal(file.position(), BigInt(expected.byteLength));
  assert.ok((await readFile(path)).equals(expected));
});

test("an existing file is refused without allowOverwrite and replaced with it", async () => {
  const path = join(dir, "exists.bin");
  const first = await FileWritable.create(path, false);
  await first.writev([randomBytes(1000)]);
  await first.close();
  await assert.rejects(FileWritable.create(path, false), { code: "ERR_IO" });
  const second = await FileWritable.create(path, true);
  await second.writev([Buffer.from("new")]);
  await second.close();
  assert.equal((await readFile(path)).toString(), "new");
});

test("overwriting keeps a symbolic link and a file's other hard links (truncated in place)", async () => {
  const target = join(dir, "target.bin");
  const viaLink = join(dir, "via-link.bin");
  await writeFile(target, randomBytes(5000));
  await symlink(target, viaLink);
  const file = await FileWritable.create(viaLink, true);
  await file.writev([Buffer.from("through the link")]);
  await file.close();
  assert.ok((await lstat(viaLink)).isSymbolicLink());
  assert.equal((await readFile(target)).toString(), "through the link");

  const other = join(dir, "other-name.bin");
  await link(target, other);
  const again = await FileWritable.create(target, true);
  await again.writev([Buffer.from("both names")]);
  await again.close();
  assert.equal((await readFile(other)).toString(), "both names");
});
