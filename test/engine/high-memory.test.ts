// Memory past 2 GiB: wasm32 addresses reach 4 GiB, so JavaScript must read a pointer at or above
// 2^31 as unsigned (`ptr >>> 2`, never `ptr >> 2`, which turns it negative). A model whose
// tensors all sit above 2 GiB trains, validates and scores to the same bits as one at the bottom
// of memory. The 2 GiB pad below it is never written, so the process does not grow by it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { embeddedBytes, instantiate, setEngine } from '../../src/engine/load.js';
import { generateSynthetic } from '../../src/data/synthetic.js';
import { prepareRetrieval } from '../../src/data/protocol.js';
import { ComiRecSA } from '../../src/models/comirec-sa.js';
import { Trainer } from '../../src/train/trainer.js';

const ds = prepareRetrieval(generateSynthetic('tiny').events, { filter: false });
const TWO_GIB = 2 ** 31;

async function trainAbove(pad: number) {
  const e = await instantiate(await embeddedBytes(true), 'wasm-simd');
  setEngine(e);
  if (pad) e.heap.alloc(pad); // contents undefined: never touched
  const model = new ComiRecSA({ items: ds.vocab.size, dim: 16, seqLen: 20, seed: 2 });
  const t = new Trainer(model, ds, { batchSize: 64, lr: 5e-3, evalEvery: 1000, maxSteps: 25 });
  const r = t.fit();
  const params = model.params.list();
  return {
    lowest: Math.min(...params.map((p) => p.ptr)),
    losses: r.lossCurve.map((p) => p.loss),
    weights: params.map((p) => Array.from(p.data)),
    valid: t.validate(),
  };
}

test('a model above 2 GiB of wasm memory trains and scores to the bits of one below it', async () => {
  const low = await trainAbove(0);
  const high = await trainAbove(TWO_GIB);
  assert.ok(low.lowest < TWO_GIB && high.lowest >= TWO_GIB, `parameters at ${low.lowest} and ${high.lowest}`);
  assert.equal(high.losses, low.losses, 'training losses');
  assert.ok(high.weights.every((w, i) => w.every((v, j) => Object.is(v, low.weights[i][j]))), 'trained weights');
  assert.is(high.valid, low.valid, 'validation Recall@50');
  assert.ok(Number.isFinite(low.valid) && low.losses.length > 0);
});

test.run();
