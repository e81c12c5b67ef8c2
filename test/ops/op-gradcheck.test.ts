// The op table drives the gradient checks: every op named in OP_TABLE (src/ops/index.ts) is
// gradchecked in float64 against central finite differences, and its float32 outputs and input
// gradients on every backend are compared with that float64 run. An op added to the table without
// a case here fails, so "listed" means "checked". (The per-family files test edge shapes.)
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkOp, type OpInput } from '../helpers/op-check.js';
import * as op from '../../src/ops/index.js';
import { idTensor, type Tensor } from '../../src/tensor.js';

type Case = { inputs: OpInput[]; build: (xs: Tensor[]) => Tensor; gradTol?: number };
const constant = (shape: number[], values: number[]): OpInput => ({ shape, values, requiresGrad: false });
const positive = Array.from({ length: 6 }, (_, i) => 0.5 + i / 5);

const CASES: Record<string, Case> = {
  matmul: { inputs: [{ shape: [3, 4] }, { shape: [5, 4] }], build: ([a, b]) => op.matmul(a, b, false, true) },
  bmm: { inputs: [{ shape: [2, 4, 3] }, { shape: [2, 4, 5] }], build: ([a, b]) => op.bmm(a, b, true) },
  linear: { inputs: [{ shape: [2, 3, 4] }, { shape: [4, 2] }, { shape: [2] }], build: ([x, w, b]) => op.linear(x, w, b) },
  reshape: { inputs: [{ shape: [2, 6] }], build: ([x]) => op.mul(op.reshape(x, [3, 4]), op.reshape(x, [3, 4])) },
  add: { inputs: [{ shape: [7] }, { shape: [7] }], build: ([a, b]) => op.add(a, b) },
  sub: { inputs: [{ shape: [7] }, { shape: [7] }], build: ([a, b]) => op.sub(a, b) },
  mul: { inputs: [{ shape: [7] }, { shape: [7] }], build: ([a, b]) => op.mul(a, b) },
  scale: { inputs: [{ shape: [7] }], build: ([a]) => op.scale(a, -1.5) },
  addRow: { inputs: [{ shape: [4, 3] }, { shape: [3] }], build: ([x, b]) => op.addRow(x, b) },
  mulRows: { inputs: [{ shape: [4, 3] }, { shape: [4] }], build: ([x, s]) => op.mulRows(x, s) },
  relu: { inputs: [{ shape: [9] }], build: ([x]) => op.relu(x) },
  tanh: { inputs: [{ shape: [9] }], build: ([x]) => op.tanh(x) },
  sigmoid: { inputs: [{ shape: [9] }], build: ([x]) => op.sigmoid(x) },
  exp: { inputs: [{ shape: [9] }], build: ([x]) => op.exp(x) },
  log: { inputs: [{ shape: [6], values: positive }], build: ([x]) => op.log(x) },
  sum: { inputs: [{ shape: [3, 4] }], build: ([x]) => op.sum(x) },
  mean: { inputs: [{ shape: [3, 4] }], build: ([x]) => op.mean(x) },
  dotRows: { inputs: [{ shape: [3, 5] }, { shape: [3, 5] }], build: ([a, b]) => op.dotRows(a, b) },
  softmax: { inputs: [{ shape: [2, 4] }, constant([2, 4], [1, 0, 1, 1, 1, 1, 0, 1])], build: ([x, m]) => op.softmax(x, m) },
  logSoftmax: { inputs: [{ shape: [2, 5] }], build: ([x]) => op.logSoftmax(x) },
  squash: { inputs: [{ shape: [3, 4] }], build: ([x]) => op.squash(x) },
  layerNorm: { inputs: [{ shape: [3, 5] }, { shape: [5] }, { shape: [5] }], build: ([x, g, b]) => op.layerNorm(x, g, b), gradTol: 1e-4 },
  gather: { inputs: [{ shape: [5, 3] }], build: ([t]) => op.gather(t, idTensor([2, 0, 2, 4], [4], t.engine)) },
  concat: { inputs: [{ shape: [3, 2] }, { shape: [3, 3] }], build: (xs) => op.concat(xs) },
  sliceLast: { inputs: [{ shape: [3, 6] }], build: ([x]) => op.sliceLast(x, 1, 3) },
  transpose: { inputs: [{ shape: [2, 3, 4] }], build: ([x]) => op.transpose(x) },
  scatterRows: { inputs: [{ shape: [3, 4] }], build: ([x]) => op.scatterRows(x, idTensor([5, 0, 2], [3], x.engine), [2, 3, 4]) },
  softmaxCrossEntropy: { inputs: [{ shape: [2, 4] }, constant([2, 4], [1, 1, 0, 1, 1, 1, 1, 1])], build: ([x, m]) => op.softmaxCrossEntropy(x, m) },
  fmCross: { inputs: [{ shape: [3, 4] }, { shape: [4, 2] }], build: ([x, v]) => op.fmCross(x, v) },
  slotSum: { inputs: [constant([3, 4], [0.2, 0.5, 0.1, 0.9, 0.3, 0.3, 0.6, 0.05, 0.5, 0.2, 0.3, 0.05]), { shape: [3, 4, 2] }], build: ([c, u]) => op.slotSum(c, u) },
  bceWithLogits: { inputs: [{ shape: [5] }, constant([5], [1, 0, 1, 0, 0.5])], build: ([x, y]) => op.bceWithLogits(x, y, 2) },
};

const listed = op.OP_TABLE.flatMap((r) => r.op.split(' / ').map((s) => s.trim()));

test('every op in OP_TABLE has a gradient-check case, and every case is a listed op', () => {
  assert.equal(listed.filter((name) => !(name in CASES)), [], 'OP_TABLE ops without a gradient check');
  assert.equal(Object.keys(CASES).filter((name) => !listed.includes(name)), [], 'cases for ops not in OP_TABLE');
});

for (const name of listed) {
  test(`${name}: float64 gradcheck and every float32 backend against it`, async () => {
    const c = CASES[name];
    assert.ok(c, `${name} has no case`);
    await checkOp(name, c.inputs, c.build, { gradTol: c.gradTol });
  });
}

test.run();
