// Heap: pool blocks are reused after free, the arena resets without new chunks in a steady loop,
// views survive memory growth, big blocks are staggered off 4 KiB boundaries.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { f32Backends } from '../helpers/engines.js';
import { Engine } from '../../src/engine/engine.js';

test('pool: freed blocks are reused by same-size allocations', async () => {
  const [, , e] = await f32Backends();
  const a = e.heap.alloc(1000);
  e.heap.free(a);
  assert.is(e.heap.alloc(1000), a);
  assert.throws(() => e.heap.free(12345), /not a live pool block/);
});

test('arena: reset reuses chunks; high-water mark is reported', async () => {
  const [, , e] = await f32Backends();
  e.heap.resetArena();
  const before = e.memory().arenaReserved;
  for (let round = 0; round < 3; round++) {
    for (let i = 0; i < 100; i++) e.heap.scratch(40000);
    e.heap.resetArena();
  }
  const m = e.memory();
  assert.ok(m.arenaHighWater >= 100 * 40000, `high water ${m.arenaHighWater}`);
  assert.is(m.arena, 0);
  const reserved = m.arenaReserved;
  for (let i = 0; i < 100; i++) e.heap.scratch(40000);
  e.heap.resetArena();
  assert.is(e.memory().arenaReserved, reserved, 'a repeated step must not reserve more');
  assert.ok(reserved >= before);
});

test('views are re-derived after memory growth', async () => {
  for (const e of await f32Backends()) {
    const p = e.heap.alloc(16);
    e.floats.set([1, 2, 3, 4], p >> 2);
    const total = e.memory().total;
    const big = e.heap.alloc(total + (1 << 20)); // forces growth
    assert.ok(e.memory().total > total, `${e.backend}: memory grew`);
    assert.equal(Array.from(e.floats.subarray(p >> 2, (p >> 2) + 4)), [1, 2, 3, 4], `${e.backend}: data kept`);
    e.heap.free(big);
    e.heap.free(p);
  }
});

test('float64 reference engine keeps float and int data apart', () => {
  const e = Engine.fromReference(64);
  const p = e.heap.alloc(8);
  e.floats[p >> 2] = 0.1;
  e.i32[(p >> 2) + 1] = 7;
  assert.is(e.floats[p >> 2], 0.1);
  assert.is(e.i32[(p >> 2) + 1], 7);
});

test('big blocks do not start at the same offset modulo 4 KiB', async () => {
  const [, , e] = await f32Backends();
  const starts = Array.from({ length: 8 }, () => e.heap.alloc(1 << 20));
  const mods = new Set(starts.map((s) => s % 4096));
  assert.ok(mods.size >= 6, `offsets mod 4096: ${[...mods]}`);
  starts.forEach((s) => e.heap.free(s));
});

test.run();
