// Optimizers on the float64 oracle: Adam matches its formula, row-sparse gradients are merged
// (duplicates summed) and only touched rows move under the lazy update, global-norm clipping
// scales every gradient, SGD and Adagrad follow their formulas.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { oracle } from '../helpers/engines.js';
import { setEngine } from '../../src/engine/load.js';
import { Rng } from '../../src/engine/random.js';
import { ParamStore } from '../../src/nn/params.js';
import { Adam, Adagrad, SGD } from '../../src/optim/index.js';
import { idTensor, tensor } from '../../src/tensor.js';
import { backward } from '../../src/autograd/tape.js';
import * as op from '../../src/ops/index.js';

function setup() {
  const e = setEngine(oracle());
  const ps = new ParamStore(new Rng(5), e);
  const table = ps.create('t', [6, 2], { kind: 'glorot' }, { paddingRow: true, sparse: true });
  const w = ps.create('w', [2], { kind: 'glorot' });
  return { e, ps, table, w };
}

/** loss = Σ_r ⟨table[ids[r]], c_r⟩ + Σ w² ; gradient rows are c_r, summed over duplicates. */
function lossOf(table: ReturnType<typeof setup>['table'], w: ReturnType<typeof setup>['w'], ids: number[]) {
  const rows = op.gather(table, idTensor(ids));
  const c = tensor(ids.flatMap((id, r) => [r + 1, -id]), [ids.length, 2]);
  return op.add(op.sum(op.mul(rows, c)), op.sum(op.mul(w, w)));
}

test('row-sparse merge sums duplicate ids in first-seen order', () => {
  const { table, w } = setup();
  backward(lossOf(table, w, [3, 1, 3]));
  const opt = new SGD([table, w], { lr: 0 });
  const rg = opt.mergeRows(table);
  assert.equal(rg.ids.toArray(), [3, 1]);
  assert.equal(rg.rows.toArray(), [1 + 3, -3 - 3, 2, -1]);
});

test('Adam: one dense step follows the formula; lazy rows leave other rows bit-identical', () => {
  const { table, w } = setup();
  const before = table.toArray();
  const w0 = w.toArray();
  backward(lossOf(table, w, [2, 4, 2]));
  const opt = new Adam([table, w], { lr: 0.1 });
  opt.step();
  // First Adam step: m̂ = g, v̂ = g², update = lr · g / (|g| + ε) = lr · sign(g).
  const w1 = w.toArray();
  w0.forEach((x, i) => assert.ok(Math.abs(w1[i] - (x - 0.1 * Math.sign(2 * x))) < 1e-7, `w[${i}]`));
  const after = table.toArray();
  for (const row of [0, 1, 3, 5]) assert.equal(after.slice(row * 2, row * 2 + 2), before.slice(row * 2, row * 2 + 2), `row ${row} untouched`);
  for (const row of [2, 4]) assert.not.equal(after.slice(row * 2, row * 2 + 2), before.slice(row * 2, row * 2 + 2), `row ${row} moved`);
});

test('Adam sparseMode dense keeps decaying moments of rows outside the batch', () => {
  const { table, w } = setup();
  const opt = new Adam([table, w], { lr: 0.1, sparseMode: 'dense' });
  backward(lossOf(table, w, [2]));
  opt.step();
  const mid = table.toArray();
  backward(lossOf(table, w, [4]));
  opt.step();
  const end = table.toArray();
  assert.not.equal(end.slice(4, 6), mid.slice(4, 6), 'row 2 keeps moving on its momentum');
});

test('global-norm clipping scales every gradient to the bound', () => {
  const { table, w } = setup();
  backward(lossOf(table, w, [1]));
  const g = [1, -1];
  const wv = w.toArray().map((x) => 2 * x);
  const norm = Math.hypot(...g, ...wv);
  const before = w.toArray();
  const opt = new SGD([table, w], { lr: 1, clipNorm: norm / 2 });
  assert.ok(Math.abs(opt.step() - norm) < 1e-12, 'step returns the unclipped norm');
  w.toArray().forEach((x, i) => assert.ok(Math.abs(x - (before[i] - wv[i] / 2)) < 1e-12));
});

test('Adagrad follows acc += g², x −= lr g / (√acc + ε)', () => {
  const { w } = setup();
  const x0 = w.toArray();
  backward(op.sum(op.mul(w, w)));
  new Adagrad([w], { lr: 0.5, initialAccumulator: 0.1, eps: 1e-10 }).step();
  w.toArray().forEach((x, i) => {
    const g = 2 * x0[i];
    assert.ok(Math.abs(x - (x0[i] - (0.5 * g) / (Math.sqrt(0.1 + g * g) + 1e-10))) < 1e-12);
  });
});

test.run();
