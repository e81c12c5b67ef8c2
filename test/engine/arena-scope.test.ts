// Scoped arena memory: engine.step(fn) owns the arena for fn; a tensor read after its step (or
// after a reset, or after the nested scope that made it) throws a stale-read error instead of
// silently returning the numbers of whatever was allocated there next. Pool tensors never go stale.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { f32Backends } from '../helpers/engines.js';
import { poolTensor, tensor, viewAs } from '../../src/tensor.js';

test('a tensor read after its step throws, even though its memory now holds other numbers', async () => {
  for (const e of await f32Backends()) {
    e.heap.resetArena();
    let leaked = tensor([1, 2, 3], [3], 'f32', e);
    const sum = e.step(() => {
      leaked = tensor([1, 2, 3], [3], 'f32', e);
      return Array.from(leaked.data).reduce((a, b) => a + b, 0); // numbers leave the step, tensors do not
    });
    assert.is(sum, 6);
    const next = e.step(() => {
      const t = tensor([7, 8, 9], [3], 'f32', e);
      assert.is(t.ptr, leaked.ptr, `${e.backend}: the arena reuses the block`);
      return Array.from(t.data);
    });
    assert.equal(next, [7, 8, 9]);
    assert.throws(() => leaked.data, /stale read: it lived in the step arena .* read its values inside engine\.step\(\)/);
    const one = e.step(() => tensor([2], [1], 'f32', e));
    assert.throws(() => one.item(), /stale read/);
    assert.throws(() => viewAs(leaked, [1, 3]).data, /stale read/);
    assert.throws(() => leaked.toArray(), /stale read/);
  }
});

test('nested steps free only their own tensors; ids are checked too; a throw still frees the scope', async () => {
  const [, , e] = await f32Backends();
  e.heap.resetArena();
  e.step(() => {
    const outer = tensor([1, 2], [2], 'f32', e);
    let inner = outer;
    e.step(() => {
      inner = tensor([5], [1], 'i32', e);
      assert.equal(Array.from(inner.ids), [5]);
    });
    assert.equal(Array.from(outer.data), [1, 2], 'the outer scope\'s tensor is still live');
    assert.throws(() => inner.ids, /stale read/);
    const again = tensor([3], [1], 'f32', e);
    assert.equal(Array.from(again.data), [3]);
  });
  assert.is(e.memory().arena, 0, 'the outermost step leaves the arena empty');
  let made = tensor([1], [1], 'f32', e);
  assert.throws(() => e.step(() => {
    made = tensor([4], [1], 'f32', e);
    throw new Error('boom');
  }), /boom/);
  assert.throws(() => made.data, /stale read/);
});

test('resetArena makes every arena tensor stale; pool tensors stay readable', async () => {
  const [, , e] = await f32Backends();
  const p = poolTensor([2], [4, 5], e);
  const a = tensor([1, 2], [2], 'f32', e);
  e.heap.resetArena();
  assert.throws(() => a.data, /tensor\[2\] f32: stale read/);
  assert.equal(Array.from(p.data), [4, 5]);
  e.heap.free(p.ptr);
});

test('scopes released without a reset keep one merged range, and stale reads stay exact', async () => {
  const [, , e] = await f32Backends();
  e.heap.resetArena();
  const before = tensor([1], [1], 'f32', e);
  let last = before;
  for (let i = 0; i < 5000; i++) {
    const m = e.heap.mark();
    e.heap.scratch(64);
    const inner = e.heap.mark();
    last = tensor([i], [1], 'f32', e);
    e.heap.release(inner);
    e.heap.scratch(64);
    e.heap.release(m);
  }
  // The private list every release and every tensor read scans (a serving loop never resets).
  assert.is((e.heap as unknown as { released: unknown[] }).released.length, 1);
  assert.equal(Array.from(before.data), [1], 'made before every scope: live');
  assert.throws(() => last.data, /stale read/);
  const outer = e.heap.mark();
  const kept = tensor([2], [1], 'f32', e);
  const m = e.heap.mark();
  const gone = tensor([3], [1], 'f32', e);
  e.heap.release(m);
  assert.equal(Array.from(kept.data), [2], 'an open outer scope keeps its tensor');
  assert.throws(() => gone.data, /stale read/);
  e.heap.release(outer);
  assert.throws(() => kept.data, /stale read/);
  assert.equal(Array.from(before.data), [1]);
});

test.run();
