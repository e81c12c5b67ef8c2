// Gradient buffers handed over instead of copied: add, sub's first input and a bias add's input
// get their output's gradient unchanged, so a step tensor takes the output's buffer over
// (autograd/tape.ts takeGrad). Fan-out, the same tensor on both sides, and gradients added into a
// taken-over buffer later must still match finite differences; parameters keep their own buffers.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkOp } from '../helpers/op-check.js';
import * as op from '../../src/ops/index.js';
import { init } from '../../src/engine/load.js';
import { poolTensor, tensor } from '../../src/tensor.js';
import { backward } from '../../src/autograd/tape.js';

test('compositions through taken-over buffers match finite differences', async () => {
  await checkOp('add(add(x, y), x)', [{ shape: [3, 4] }, { shape: [3, 4] }], ([x, y]) => op.add(op.add(x, y), x));
  await checkOp('sub(sub(x, y), sub(y, x))', [{ shape: [2, 5] }, { shape: [2, 5] }], ([x, y]) => op.sub(op.sub(x, y), op.sub(y, x)));
  await checkOp('mul(addRow(add(x, y), b), x)', [{ shape: [4, 3] }, { shape: [4, 3] }, { shape: [3] }], ([x, y, b]) => op.mul(op.addRow(op.add(x, y), b), x));
  await checkOp('add(s, s), s = add(x, y)', [{ shape: [3, 3] }, { shape: [3, 3] }], ([x, y]) => { const s = op.add(x, y); return op.add(s, s); });
  await checkOp('sub(s, s) + x, s = mul(x, y)', [{ shape: [2, 3] }, { shape: [2, 3] }], ([x, y]) => { const s = op.mul(x, y); return op.add(op.sub(s, s), x); });
  await checkOp('add(s, mul(s, y)) then addRow', [{ shape: [2, 4] }, { shape: [2, 4] }, { shape: [4] }], ([x, y, b]) => { const s = op.add(x, y); return op.addRow(op.add(s, op.mul(s, y)), b); });
});

test('a step tensor takes the output gradient over; parameters keep their own buffers', async () => {
  const e = await init({ backend: 'wasm-simd' });
  const x = poolTensor([2, 3], [1, 2, 3, 4, 5, 6]);
  const b = poolTensor([3], [0.5, -1, 2]);
  x.requiresGrad = b.requiresGrad = true;
  const s = op.add(x, tensor([1, 1, 1, 1, 1, 1], [2, 3])); // a step (arena) tensor
  const o = op.addRow(s, b);
  backward(o, poolTensor([2, 3], [1, 2, 3, 4, 5, 6]));
  assert.is(o.grad, null, 'the output gave its gradient buffer up');
  assert.ok(s.grad && s.grad.lifetime === 'arena');
  assert.equal(Array.from(s.grad.data), [1, 2, 3, 4, 5, 6]);
  assert.is(x.grad!.lifetime, 'pool', 'a parameter keeps its own buffer');
  assert.equal(Array.from(x.grad!.data), [1, 2, 3, 4, 5, 6]);
  assert.equal(Array.from(b.grad!.data), [5, 7, 9]);
  e.heap.resetArena();
});

test.run();
