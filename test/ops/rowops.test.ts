// Elementwise, reduction, softmax, squash and layernorm ops: gradcheck + backends vs float64.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkOp } from '../helpers/op-check.js';
import * as op from '../../src/ops/index.js';
import { tensor } from '../../src/tensor.js';

test('binary elementwise ops', async () => {
  for (const n of [1, 3, 17, 67]) {
    await checkOp(`add ${n}`, [{ shape: [n] }, { shape: [n] }], ([a, b]) => op.add(a, b));
    await checkOp(`sub ${n}`, [{ shape: [n] }, { shape: [n] }], ([a, b]) => op.sub(a, b));
    await checkOp(`mul ${n}`, [{ shape: [n] }, { shape: [n] }], ([a, b]) => op.mul(a, b));
    await checkOp(`scale ${n}`, [{ shape: [n] }], ([a]) => op.scale(a, -2.5));
  }
});

test('activations and exp/log', async () => {
  const positive = Array.from({ length: 17 }, (_, i) => 0.5 + i / 7);
  for (const n of [1, 5, 17]) {
    await checkOp(`relu ${n}`, [{ shape: [n] }], ([a]) => op.relu(a));
    await checkOp(`tanh ${n}`, [{ shape: [n] }], ([a]) => op.tanh(a));
    await checkOp(`sigmoid ${n}`, [{ shape: [n] }], ([a]) => op.sigmoid(a));
    await checkOp(`exp ${n}`, [{ shape: [n] }], ([a]) => op.exp(a));
  }
  await checkOp('log', [{ shape: [17], values: positive }], ([a]) => op.log(a));
});

test('broadcast row ops and reductions', async () => {
  await checkOp('addRow', [{ shape: [5, 3] }, { shape: [3] }], ([x, b]) => op.addRow(x, b));
  await checkOp('mulRows', [{ shape: [5, 3] }, { shape: [5] }], ([x, s]) => op.mulRows(x, s));
  await checkOp('sum', [{ shape: [4, 5] }], ([x]) => op.sum(x));
  await checkOp('mean', [{ shape: [4, 5] }], ([x]) => op.mean(x));
  await checkOp('dotRows', [{ shape: [4, 5] }, { shape: [4, 5] }], ([a, b]) => op.dotRows(a, b));
});

test('softmax, masked softmax, log-softmax', async () => {
  for (const n of [1, 4, 5, 17]) await checkOp(`softmax ${n}`, [{ shape: [3, n] }], ([x]) => op.softmax(x));
  const mask = [1, 0, 1, 1, 0, 0, 0, 0, 1, 1, 1, 1];
  await checkOp('masked softmax', [{ shape: [3, 4] }, { shape: [3, 4], values: mask, requiresGrad: false }], ([x, m]) => op.softmax(x, m));
  await checkOp('logSoftmax', [{ shape: [3, 5] }], ([x]) => op.logSoftmax(x));
});

test('masked softmax: masked weights are exactly 0, a fully masked row is all zeros', async () => {
  await checkOp('setup', [{ shape: [1] }], ([x]) => op.sum(x));
  const p = op.softmax(tensor([1, 2, 3, 4, 5, 6], [2, 3]), tensor([1, 0, 1, 0, 0, 0], [2, 3])).toArray();
  assert.is(p[1], 0);
  assert.equal(p.slice(3), [0, 0, 0]);
  assert.ok(Math.abs(p[0] + p[2] - 1) < 1e-6);
});

test('squash and layerNorm', async () => {
  for (const d of [1, 3, 4, 17]) await checkOp(`squash ${d}`, [{ shape: [3, d] }], ([x]) => op.squash(x));
  for (const d of [2, 5, 17]) {
    await checkOp(`layerNorm ${d}`, [{ shape: [3, d] }, { shape: [d] }, { shape: [d] }], ([x, g, b]) => op.layerNorm(x, g, b), { gradTol: 1e-4 });
  }
});

test.run();
