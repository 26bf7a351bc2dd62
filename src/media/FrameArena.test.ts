import assert from "node:assert/strict";
import { test } from "node:test";
import { copyBytes, FrameArena, sharedWasmMemory, viewOf } from "./FrameArena.js";

const MIB = 1 << 20;

function arena(maxBytes = 8 * MIB): FrameArena {
  const memory = sharedWasmMemory(maxBytes);
  assert.ok(memory, "Node has shared WebAssembly memory");
  return new FrameArena(memory, maxBytes);
}

test("blocks are 16-byte aligned, disjoint, and of the size asked", () => {
  const a = arena();
  const blocks = [1, 15, 16, 17, 1000, 70_000, 3].map((n) => a.alloc(n)!);
  for (const [i, block] of blocks.entries()) {
    assert.equal(block.byteOffset % 16, 0);
    assert.ok(block.byteOffset > 0, "address 0 is never handed out");
    assert.equal(block.byteLength, [1, 15, 16, 17, 1000, 70_000, 3][i]);
    assert.ok(block.buffer instanceof SharedArrayBuffer);
    block.fill(i + 1);
  }
  // Disjoint: each still holds what was written to it.
  for (const [i, block] of blocks.entries()) {
    assert.ok(
      block.every((v) => v === i + 1),
      `block ${i} overwritten`,
    );
  }
});

test("freed blocks are reused and merge with their neighbours", () => {
  const a = arena();
  const x = a.alloc(1000)!;
  const y = a.alloc(1000)!;
  const z = a.alloc(1000)!;
  const used = a.usedBytes;
  assert.equal(used, 3 * 1008);
  a.free(x);
  a.free(z);
  a.free(y); // x, y, z merge into one range
  assert.equal(a.usedBytes, 0);
  const big = a.alloc(3000)!;
  assert.equal(big.byteOffset, x.byteOffset, "the merged range is reused first");
  a.free(big);
  a.free(big); // idempotent
  assert.equal(a.usedBytes, 0);
});

test("the memory grows for a large block, up to its ceiling, and never past it", () => {
  const a = arena(4 * MIB);
  const start = a.size;
  const block = a.alloc(2 * MIB)!;
  assert.ok(a.size >= start + 2 * MIB - 65_536);
  block.fill(7);
  assert.equal(a.alloc(3 * MIB), undefined, "beyond the 4 MiB ceiling");
  a.free(block);
  const again = a.alloc(3 * MIB);
  assert.ok(again, "fits once the first block is free");
  assert.ok(a.size <= 4 * MIB);
});

test("a view received from another thread maps onto the same bytes", () => {
  const memory = sharedWasmMemory(MIB)!;
  const a = new FrameArena(memory, MIB);
  const block = a.alloc(64)!;
  block.set([1, 2, 3], 0);
  // What structured cloning does: the same memory behind another SharedArrayBuffer object.
  const { port1, port2 } = new MessageChannel();
  return new Promise<void>((resolve) => {
    port2.once("message", (received: Uint8Array) => {
      assert.notEqual(received.buffer, memory.buffer);
      const local = viewOf(memory, received);
      assert.equal(local.buffer, memory.buffer);
      assert.deepEqual([...local.subarray(0, 3)], [1, 2, 3]);
      local[0] = 9;
      assert.equal(block[0], 9, "a write through it is seen by the owner");
      port1.close();
      resolve();
    });
    port1.postMessage(block);
  });
});

test("copyBytes copies exactly the source into a block at any offsets, and only there", () => {
  const a = arena();
  const block = a.alloc(4096)!;
  block.fill(0xee);
  const source = new Uint8Array(5000).map((_, i) => (i * 31 + 7) & 0xff).subarray(3, 3 + 1001);
  copyBytes(block.subarray(5, 5 + 1001), source);
  assert.deepEqual(block.subarray(5, 1006), source);
  assert.equal(block[4], 0xee);
  assert.equal(block[1006], 0xee);
  copyBytes(block.subarray(0, 0), new Uint8Array(0)); // nothing to copy
  assert.throws(() => copyBytes(block.subarray(0, 10), source), RangeError);
});
