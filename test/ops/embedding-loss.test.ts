// gather (dense and row-sparse gradients), softmax cross-entropy and BCE-with-logits ops.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkOp } from '../helpers/op-check.js';
import { oracle } from '../helpers/engines.js';
import * as op from '../../src/ops/index.js';
import { setEngine } from '../../src/engine/load.js';
import { idTensor, poolTensor, tensor } from '../../src/tensor.js';
import { backward } from '../../src/autograd/tape.js';

test('gather: dense gradient with duplicate ids', async () => {
  const ids = [2, 0, 2, 4, 1];
  await checkOp('gather', [{ shape: [5, 3] }], ([t]) => op.gather(t, idTensor(ids, [5], t.engine)));
});

test('gather: row-sparse gradient pieces and id range errors', () => {
  const e = setEngine(oracle());
  const table = poolTensor([4, 2], [0, 0, 1, 2, 3, 4, 5, 6], e);
  table.requiresGrad = true;
  table.sparseGrad = true;
  const y = op.gather(table, idTensor([3, 1, 3]));
  backward(op.sum(y));
  assert.is(table.sparse!.length, 1);
  assert.equal(table.sparse![0].ids.toArray(), [3, 1, 3]);
  assert.equal(table.sparse![0].rows.toArray(), [1, 1, 1, 1, 1, 1]);
  assert.throws(() => op.gather(table, idTensor([0, 4])), /gather: id 4 at position 1 is out of range \[0, 4\)/);
});

test('softmaxCrossEntropy: gradcheck, hand example, accidental hit', async () => {
  const mask = [1, 1, 0, 1, 1, 1, 1, 1];
  await checkOp('xent', [{ shape: [2, 4] }, { shape: [2, 4], values: mask, requiresGrad: false }], ([x, m]) => op.softmaxCrossEntropy(x, m));
  setEngine(oracle());
  // docs/model-guide.md#shared-building-blocks: true logit 1, two negatives at 0 → ln(e + 2) − 1.
  const loss = op.softmaxCrossEntropy(tensor([1, 0, 0], [1, 3])).item();
  assert.ok(Math.abs(loss - (Math.log(Math.E + 2) - 1)) < 1e-12);
  const hit = op.softmaxCrossEntropy(tensor([1, 0, 0, 50], [1, 4]), tensor([1, 1, 1, 0], [1, 4])).item();
  assert.ok(Math.abs(hit - loss) < 1e-12, 'a masked accidental hit contributes nothing');
});

test('bceWithLogits: gradcheck and stability at ±100', async () => {
  const labels = [1, 0, 1, 0, 0.5];
  await checkOp('bce', [{ shape: [5] }, { shape: [5], values: labels, requiresGrad: false }], ([x, y]) => op.bceWithLogits(x, y));
  await checkOp('bce posWeight', [{ shape: [5] }, { shape: [5], values: labels, requiresGrad: false }], ([x, y]) => op.bceWithLogits(x, y, 3));
  setEngine(oracle());
  const big = op.bceWithLogits(tensor([100, -100, 100, -100]), tensor([1, 0, 0, 1])).item();
  assert.ok(Math.abs(big - 50) < 1e-9, `expected (0 + 0 + 100 + 100)/4, got ${big}`);
});

test.run();
