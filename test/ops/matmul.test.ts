// matmul, bmm, linear, reshape: gradcheck in float64 and float32 backends vs the float64 run.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkOp } from '../helpers/op-check.js';
import { bmm, linear, matmul, reshape, sum } from '../../src/ops/index.js';

const SHAPES: [number, number, number][] = [[1, 1, 1], [3, 4, 5], [5, 17, 3], [17, 3, 67]];

test('matmul nn / nt / tn', async () => {
  for (const [M, K, N] of SHAPES) {
    await checkOp(`matmul nn ${M}x${K}x${N}`, [{ shape: [M, K] }, { shape: [K, N] }], ([a, b]) => matmul(a, b));
    await checkOp(`matmul nt ${M}x${K}x${N}`, [{ shape: [M, K] }, { shape: [N, K] }], ([a, b]) => matmul(a, b, false, true));
    await checkOp(`matmul tn ${M}x${K}x${N}`, [{ shape: [K, M] }, { shape: [K, N] }], ([a, b]) => matmul(a, b, true, false));
  }
});

test('bmm batched and with a shared right operand', async () => {
  for (const [M, K, N] of SHAPES) {
    await checkOp(`bmm nn ${M}x${K}x${N}`, [{ shape: [3, M, K] }, { shape: [3, K, N] }], ([a, b]) => bmm(a, b));
    await checkOp(`bmm nt`, [{ shape: [3, M, K] }, { shape: [3, N, K] }], ([a, b]) => bmm(a, b, false, true));
    await checkOp(`bmm tn`, [{ shape: [3, K, M] }, { shape: [3, K, N] }], ([a, b]) => bmm(a, b, true, false));
    await checkOp(`bmm shared`, [{ shape: [3, M, K] }, { shape: [K, N] }], ([a, b]) => bmm(a, b));
  }
});

test('linear with bias over a 3-D input, and reshape', async () => {
  await checkOp('linear', [{ shape: [2, 3, 5] }, { shape: [5, 4] }, { shape: [4] }], ([x, w, b]) => linear(x, w, b));
  await checkOp('reshape', [{ shape: [2, 6] }], ([x]) => reshape(x, [3, 4]));
});

test('fan-out accumulates: x used twice', async () => {
  await checkOp('fan-out', [{ shape: [3, 3] }], ([x]) => matmul(x, x));
});

test('shape errors name the op and the shapes', async () => {
  await checkOp('setup', [{ shape: [2, 2] }], ([x]) => sum(x));
  const { empty } = await import('../../src/tensor.js');
  assert.throws(() => matmul(empty([32, 64]), empty([48, 16])), /matmul: inner dims differ \(64 vs 48\): \[32,64\] x \[48,16\]/);
  assert.throws(() => matmul(empty([2, 3]), empty([3, 4], 'i32')), /matmul: \[3,4\] is i32, expected f32: \[2,3\] x \[3,4\]/);
  assert.throws(() => bmm(empty([2, 3, 4]), empty([3, 4, 5])), /bmm: batch sizes differ \(2 vs 3\)/);
});

test.run();
