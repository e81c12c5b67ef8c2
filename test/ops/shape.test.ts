// Shape ops (concat, sliceLast, transpose): finite-difference gradient checks in float64 and every
// float32 backend against the oracle, with one-column, tail and batched shapes.
import { test } from 'uvu';
import { checkOp } from '../helpers/op-check.js';
import * as op from '../../src/ops/index.js';

test('concat along the last axis: 2 and 3 inputs, 2-D and 3-D, widths 1 and odd', async () => {
  await checkOp('concat 2-D', [{ shape: [4, 3] }, { shape: [4, 1] }], (xs) => op.concat(xs));
  await checkOp('concat 3 inputs', [{ shape: [2, 5] }, { shape: [2, 2] }, { shape: [2, 7] }], (xs) => op.concat(xs));
  await checkOp('concat 3-D', [{ shape: [2, 3, 2] }, { shape: [2, 3, 4] }], (xs) => op.concat(xs));
  await checkOp('concat with itself (fan-out)', [{ shape: [3, 2] }], ([a]) => op.concat([a, a, a]));
});

test('sliceLast: first, middle, last and whole columns', async () => {
  await checkOp('sliceLast head', [{ shape: [4, 6] }], ([x]) => op.sliceLast(x, 0, 2));
  await checkOp('sliceLast middle', [{ shape: [3, 7] }], ([x]) => op.sliceLast(x, 2, 3));
  await checkOp('sliceLast tail 3-D', [{ shape: [2, 3, 5] }], ([x]) => op.sliceLast(x, 4, 1));
  await checkOp('sliceLast whole', [{ shape: [2, 4] }], ([x]) => op.sliceLast(x, 0, 4));
});

test('transpose of the last two axes: square, tall, batched', async () => {
  await checkOp('transpose 3x3', [{ shape: [3, 3] }], ([x]) => op.transpose(x));
  await checkOp('transpose 5x2', [{ shape: [5, 2] }], ([x]) => op.transpose(x));
  await checkOp('transpose batched', [{ shape: [3, 4, 2] }], ([x]) => op.transpose(x));
  await checkOp('transpose twice is identity', [{ shape: [2, 3, 5] }], ([x]) => op.transpose(op.transpose(x)));
});

test.run();
