// The trainer's `optimizer: 'adagrad'` (f32 and f16 state): its checkpoints record the optimizer
// and resume bit-identically; a checkpoint of the other optimizer is refused naming the option
// and a tensor; a bad optimizer name is refused; Adagrad with f16 state keeps 2·D + 4 bytes per
// table row.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { init } from '../../src/engine/load.js';
import { generateSynthetic } from '../../src/data/synthetic.js';
import { prepareRetrieval } from '../../src/data/protocol.js';
import { ComiRecSA } from '../../src/models/comirec-sa.js';
import { Trainer } from '../../src/train/trainer.js';
import { decodeCheckpoint } from '../../src/io/checkpoint.js';
import { decodeSafetensors } from '../../src/io/safetensors.js';

const ds = prepareRetrieval(generateSynthetic('tiny').events, { filter: false });
const sa = () => new ComiRecSA({ items: ds.vocab.size, dim: 16, seqLen: 20, seed: 2 });
const snapshot = (t: Trainer) => [
  ...t.model.params!.list().map((p) => Array.from(p.data)),
  ...t.optimizer.state().map((s) => Array.from(s.tensor.dtype === 'i32' ? s.tensor.ids : s.tensor.data)),
];

for (const state of ['f32', 'f16'] as const) {
  test(`trainer optimizer adagrad, state ${state}: checkpoint records it, resume continues bit-identically`, async () => {
    await init({ backend: 'wasm-simd' });
    const opts = { batchSize: 64, lr: 0.05, evalEvery: 10, maxSteps: 10, optimizer: 'adagrad' as const, optimizerState: state };
    const a = new Trainer(sa(), ds, opts);
    a.fit();
    const ck = a.checkpoint();
    assert.equal(decodeCheckpoint(ck, 'ck').optimizer, { kind: 'adagrad', t: 10 });
    const acc = decodeSafetensors(ck, 'ck').tensors.get('optim.adagrad.acc.item_emb');
    assert.equal([acc?.dtype, acc?.shape], [state === 'f16' ? 'F16' : 'F32', [ds.vocab.size, 16]]);
    assert.is(decodeSafetensors(ck, 'ck').tensors.has('optim.adagrad.scale.item_emb'), state === 'f16');
    const before = snapshot(a);
    a.opts.maxSteps = 25;
    const ra = a.fit();
    const straight = snapshot(a);
    // (fit restores the best weights; the accumulators keep every step)
    assert.ok(straight.some((v, i) => v.some((x, j) => x !== before[i][j])), 'the steps after the checkpoint change the state');
    const b = new Trainer(sa(), ds, { ...opts, maxSteps: 25 });
    b.resume(ck, 'ck.safetensors');
    const rb = b.fit();
    assert.equal(rb.lossCurve, ra.lossCurve);
    snapshot(b).forEach((v, i) => assert.ok(v.every((x, j) => Object.is(x, straight[i][j])), `tensor ${i} differs after resume`));
  });
}

test('a checkpoint resumes only with the optimizer it was written with; bad names are refused', async () => {
  await init({ backend: 'wasm-simd' });
  const opts = { batchSize: 64, lr: 5e-3, evalEvery: 10, maxSteps: 3 };
  const adam = new Trainer(sa(), ds, opts);
  adam.fit();
  const ada = new Trainer(sa(), ds, { ...opts, optimizer: 'adagrad' });
  ada.fit();
  assert.throws(() => new Trainer(sa(), ds, { ...opts, optimizer: 'adagrad' }).resume(adam.checkpoint(), 'adam.safetensors'),
    /adam\.safetensors was trained with optimizer 'adam' \(it holds optim\.adam\.[mv]\.\w+\), this trainer uses 'adagrad'; resume with optimizer 'adam' \(--optimizer adam\)/);
  assert.throws(() => new Trainer(sa(), ds, opts).resume(ada.checkpoint(), 'ada.safetensors'),
    /ada\.safetensors was trained with optimizer 'adagrad' \(it holds optim\.adagrad\.acc\.\w+\), this trainer uses 'adam'; resume with optimizer 'adagrad' \(--optimizer adagrad\)/);
  // Same optimizer, other storage: the tensor and the storage option are named.
  assert.throws(() => new Trainer(sa(), ds, { ...opts, optimizer: 'adagrad', optimizerState: 'f16' }).resume(ada.checkpoint(), 'ada.safetensors'),
    /optim\.adagrad\.acc\.item_emb holds F32 moments but this optimizer keeps float16 state \(optimizerState 'f16'\)/);
  assert.throws(() => new Trainer(sa(), ds, { optimizer: 'sgd' as 'adam' }), /Trainer: optimizer "sgd"; expected 'adam' or 'adagrad'/);
});

test('Adagrad f16 state: 2·D + 4 bytes per item row instead of 4·D', async () => {
  await init({ backend: 'wasm-simd' });
  const bytes = (state: 'f32' | 'f16') => new Trainer(sa(), ds, { optimizer: 'adagrad', optimizerState: state }).optimizer.state()
    .filter((s) => s.name.endsWith('item_emb')).reduce((n, s) => n + s.tensor.size * 4, 0);
  assert.is(bytes('f32'), ds.vocab.size * 4 * 16);
  assert.is(bytes('f16'), ds.vocab.size * (2 * 16 + 4));
});

test.run();
