// A training loop reaches a steady state: after warm-up, 200 more steps reserve no new arena
// chunks, keep the same arena high-water mark and leave the JS heap flat (after a forced GC).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import v8 from 'node:v8';
import vm from 'node:vm';
import { init } from '../../src/engine/load.js';
import { Rng } from '../../src/engine/random.js';
import { ParamStore } from '../../src/nn/params.js';
import { Adam } from '../../src/optim/adam.js';
import { idTensor } from '../../src/tensor.js';
import { backward } from '../../src/autograd/tape.js';
import * as op from '../../src/ops/index.js';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

test('200 training steps allocate nothing new in wasm memory or on the JS heap', async () => {
  const e = await init({ backend: 'wasm-simd' });
  const rng = new Rng(3);
  const ps = new ParamStore(rng, e);
  const table = ps.create('items', [5000, 32], { kind: 'glorot' }, { paddingRow: true, sparse: true });
  const w = ps.create('w', [32, 32]);
  const b = ps.create('b', [32], { kind: 'zeros' });
  const opt = new Adam(ps.list(), { lr: 1e-3 });
  const hist = new Int32Array(64 * 10);
  const cand = new Int32Array(256);
  const step = () => {
    for (let i = 0; i < hist.length; i++) hist[i] = 1 + rng.int(4999);
    for (let i = 0; i < cand.length; i++) cand[i] = 1 + rng.int(4999);
    const h = op.gather(table, idTensor(hist, [64, 10])); // [64, 10, 32]
    const x = op.tanh(op.linear(h, w, b)); // [64, 10, 32]
    const a = op.softmax(op.reshape(op.dotRows(x, h), [64, 10])); // [64, 10]
    const u = op.reshape(op.bmm(op.reshape(a, [64, 1, 10]), x), [64, 32]); // [64, 32]
    const loss = op.softmaxCrossEntropy(op.matmul(u, op.gather(table, idTensor(cand)), false, true));
    backward(loss);
    opt.step();
    e.heap.resetArena();
  };
  for (let i = 0; i < 50; i++) step();
  gc();
  const before = { mem: e.memory(), heap: process.memoryUsage().heapUsed };
  for (let i = 0; i < 200; i++) step();
  gc();
  const after = { mem: e.memory(), heap: process.memoryUsage().heapUsed };
  assert.is(after.mem.total, before.mem.total, 'linear memory did not grow');
  assert.is(after.mem.arenaReserved, before.mem.arenaReserved, 'no new arena chunks');
  // The merged row-gradient buffers depend on how many ids repeat, so allow 1 % of jitter.
  const hw = after.mem.arenaHighWater / before.mem.arenaHighWater;
  assert.ok(hw <= 1.01, `arena high-water mark grew ${((hw - 1) * 100).toFixed(2)} %`);
  const grown = after.heap - before.heap;
  assert.ok(grown < 1 << 20, `JS heap grew by ${(grown / 1024).toFixed(0)} KiB over 200 steps`);
});

test.run();
