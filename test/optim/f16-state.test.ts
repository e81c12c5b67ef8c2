// Adam / Adagrad with `sparseState: 'f16'` and the trainer's `optimizerState`: only row-sparse
// tables get f16 state (half the bytes), a resumed f16 run continues bit-identically (also
// through a file), checkpoints of the other storage are refused naming the tensor, a crafted
// row scale is refused, and ComiRec-SA trained with f16 state scores within a small tolerance
// of f32 state and beats MostPopular.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { init } from '../../src/engine/load.js';
import { Rng } from '../../src/engine/random.js';
import { ParamStore } from '../../src/nn/params.js';
import { Adam, Adagrad } from '../../src/optim/index.js';
import { generateSynthetic } from '../../src/data/synthetic.js';
import { evalCases, prepareRetrieval } from '../../src/data/protocol.js';
import { ComiRecSA } from '../../src/models/comirec-sa.js';
import { MostPopular } from '../../src/models/most-popular.js';
import { Trainer } from '../../src/train/trainer.js';
import { evaluateRetrieval, recallAt } from '../../src/train/evaluate.js';
import { decodeCheckpoint } from '../../src/io/checkpoint.js';
import { decodeSafetensors, encodeSafetensors } from '../../src/io/safetensors.js';
import { idTensor, tensor } from '../../src/tensor.js';
import { backward } from '../../src/autograd/tape.js';
import * as op from '../../src/ops/index.js';

const ds = prepareRetrieval(generateSynthetic('tiny').events, { filter: false });
const T = 20;
const sa = () => new ComiRecSA({ items: ds.vocab.size, dim: 16, seqLen: T, seed: 2 });
/** Every parameter and state tensor as raw 32-bit words (f16 state is packed in i32 tensors). */
const snapshot = (t: Trainer) => [
  ...t.model.params!.list().map((p) => Array.from(p.data)),
  ...t.optimizer.state().map((s) => Array.from(s.tensor.dtype === 'i32' ? s.tensor.ids : s.tensor.data)),
];

test('sparseState f16: only row-sparse tables keep f16 state; bytes per table row 4·D + 8 instead of 8·D', async () => {
  const e = await init({ backend: 'wasm-simd' });
  const ps = new ParamStore(new Rng(1), e);
  const table = ps.create('items', [1000, 64], { kind: 'glorot' }, { sparse: true });
  const w = ps.create('w', [64, 64], { kind: 'glorot' });
  const f32 = new Adam([table, w], { lr: 1e-3 });
  const f16 = new Adam([table, w], { lr: 1e-3, sparseState: 'f16' });
  assert.equal(f16.state().map((s) => [s.name, s.halves ? 'f16' : s.tensor.dtype]), [
    ['adam.m.items', 'f16'], ['adam.v.items', 'f16'], ['adam.scale.items', 'f32'], ['adam.m.w', 'f32'], ['adam.v.w', 'f32'],
  ]);
  const dense = 2 * 64 * 64 * 4;
  assert.is(f32.stateBytes() - dense, 1000 * 8 * 64);
  assert.is(f16.stateBytes() - dense, 1000 * (4 * 64 + 8));
  assert.throws(() => new Adam([table], { lr: 1e-3, sparseState: 'f16', sparseMode: 'dense' }), /sparseState 'f16' needs sparseMode 'lazy'/);
  assert.throws(() => new Adam([table], { lr: 1e-3, sparseState: 'bf16' as 'f16' }), /Adam: sparseState "bf16"; expected 'f32' or 'f16'/);
  const ada = new Adagrad([table, w], { lr: 0.1, sparseState: 'f16' });
  assert.equal(ada.state().map((s) => s.name), ['adagrad.acc.items', 'adagrad.scale.items', 'adagrad.acc.w']);
});

test('Adagrad f16: tracks f32 Adagrad over 30 row-sparse steps', async () => {
  const e = await init({ backend: 'wasm-simd' });
  const ps = new ParamStore(new Rng(3), e);
  const a = ps.create('a', [50, 8], { kind: 'glorot' }, { sparse: true });
  const b = ps.create('b', [50, 8], { kind: 'glorot' }, { sparse: true });
  b.data.set(a.data);
  const o16 = new Adagrad([a], { lr: 0.05, sparseState: 'f16' });
  const o32 = new Adagrad([b], { lr: 0.05 });
  const rng = new Rng(4);
  for (let s = 0; s < 30; s++) {
    const ids = [rng.int(50), 10 + rng.int(40), 3];
    const c = tensor(Array.from({ length: ids.length * 8 }, (_, i) => Math.sin(s * 7 + i)), [ids.length, 8]);
    for (const [p, o] of [[a, o16], [b, o32]] as const) {
      e.step(() => {
        backward(op.sum(op.mul(op.gather(p, idTensor(ids)), c)));
        o.step();
      });
    }
  }
  let worst = 0, moved = 0;
  const init0 = new ParamStore(new Rng(3), e).create('a', [50, 8], { kind: 'glorot' }, { sparse: true }).data;
  a.data.forEach((x, i) => ((worst = Math.max(worst, Math.abs(x - b.data[i]))), (moved = Math.max(moved, Math.abs(b.data[i] - init0[i])))));
  assert.ok(moved > 0.05, `f32 Adagrad moved ${moved}`);
  assert.ok(worst > 0 && worst < 1e-3 * moved, `largest difference ${worst} (moved ${moved})`);
});

test('trainer optimizerState f16: resume continues bit-identically over 20 steps, also after a file round trip', async () => {
  await init({ backend: 'wasm-simd' });
  const opts = { batchSize: 64, lr: 5e-3, evalEvery: 15, maxSteps: 10, optimizerState: 'f16' as const };
  const a = new Trainer(sa(), ds, opts);
  a.fit();
  const ck = a.checkpoint();
  // The halves are stored as F16 [items, D], the row scales as F32 [items, 2].
  const file = decodeSafetensors(ck, 'ck');
  assert.equal([file.tensors.get('optim.adam.m.item_emb')?.dtype, file.tensors.get('optim.adam.m.item_emb')?.shape], ['F16', [ds.vocab.size, 16]]);
  assert.equal(file.tensors.get('optim.adam.scale.item_emb')?.shape, [ds.vocab.size, 2]);
  a.opts.maxSteps = 30;
  const ra = a.fit();
  const straight = snapshot(a);
  const reencoded = encodeSafetensors([...decodeSafetensors(ck, 'ck').tensors], decodeSafetensors(ck, 'ck').metadata);
  for (const bytes of [ck, reencoded]) {
    const b = new Trainer(sa(), ds, { ...opts, maxSteps: 30 });
    b.resume(bytes, 'ck.safetensors');
    assert.is(b.step, 10);
    const rb = b.fit();
    assert.equal(rb.lossCurve, ra.lossCurve);
    snapshot(b).forEach((v, i) => assert.ok(v.every((x, j) => Object.is(x, straight[i][j])), `tensor ${i} differs after resume`));
  }
});

test('a checkpoint resumes only with the optimizer storage it was written with; bad row scales are refused', async () => {
  await init({ backend: 'wasm-simd' });
  const opts = { batchSize: 64, lr: 5e-3, evalEvery: 15, maxSteps: 3 };
  const a32 = new Trainer(sa(), ds, opts);
  a32.fit();
  const a16 = new Trainer(sa(), ds, { ...opts, optimizerState: 'f16' });
  a16.fit();
  assert.throws(() => new Trainer(sa(), ds, { ...opts, optimizerState: 'f16' }).resume(a32.checkpoint(), 'f32.safetensors'),
    /f32\.safetensors: optim\.adam\.m\.item_emb holds F32 moments but this optimizer keeps float16 state \(optimizerState 'f16'\); resume with optimizerState 'f32'/);
  assert.throws(() => new Trainer(sa(), ds, opts).resume(a16.checkpoint(), 'f16.safetensors'),
    /f16\.safetensors: optim\.adam\.m\.item_emb holds float16 moments \(written with optimizerState 'f16'\) but this optimizer keeps float32 state; resume with optimizerState 'f16'/);
  assert.throws(() => new Trainer(sa(), ds, { optimizerState: 'f8' as 'f16' }), /Trainer: optimizerState "f8"; expected 'f32' or 'f16'/);
  // A crafted scale (not a power of two) and a non-finite half are named.
  const file = decodeSafetensors(a16.checkpoint(), 'ck');
  const scale = file.tensors.get('optim.adam.scale.item_emb')!;
  new Float32Array(scale.bytes.buffer, scale.bytes.byteOffset, 4)[3] = 0.3;
  const bad = encodeSafetensors([...file.tensors], file.metadata);
  assert.throws(() => new Trainer(sa(), ds, { ...opts, optimizerState: 'f16' }).resume(bad, 'bad.safetensors'), /bad\.safetensors: optim\.adam\.scale\.item_emb holds 0\.3\d* at index 3; row scales are positive powers of two/);
  const file2 = decodeSafetensors(a16.checkpoint(), 'ck');
  const m = file2.tensors.get('optim.adam.m.item_emb')!;
  new Uint16Array(m.bytes.buffer, m.bytes.byteOffset, 8)[5] = 0x7c00;
  assert.throws(() => new Trainer(sa(), ds, { ...opts, optimizerState: 'f16' }).resume(encodeSafetensors([...file2.tensors], file2.metadata), 'inf.safetensors'),
    /inf\.safetensors: tensor optim\.adam\.m\.item_emb holds a non-finite float16 at index 5/);
  // F16 stays refused for parameters.
  const file3 = decodeSafetensors(a16.checkpoint(), 'ck');
  const [name, t] = [...file3.tensors].find(([n]) => n.startsWith('param.'))!;
  file3.tensors.set(name, { dtype: 'F16', shape: t.shape, bytes: t.bytes.slice(0, t.bytes.byteLength / 2) });
  assert.throws(() => decodeCheckpoint(encodeSafetensors([...file3.tensors], file3.metadata), 'p.safetensors'), /tensor "param\.[^"]+" is F16, expected F32$/);
});

test('ComiRec-SA with f16 optimizer state: Recall@50 within 0.02 of f32 state, above MostPopular', async () => {
  await init({ backend: 'wasm-simd' });
  const test = evalCases(ds, 'test', T);
  const recall: Record<string, number> = {};
  for (const state of ['f32', 'f16'] as const) {
    const model = sa();
    const r = new Trainer(model, ds, { batchSize: 64, lr: 5e-3, evalEvery: 50, maxSteps: 300, optimizerState: state }).fit();
    assert.ok(r.lossCurve.at(-1)!.loss < r.lossCurve[0].loss - 0.5, `${state}: loss ${r.lossCurve[0].loss} → ${r.lossCurve.at(-1)!.loss}`);
    recall[state] = recallAt(evaluateRetrieval(model, test), 50);
  }
  const pop = recallAt(evaluateRetrieval(new MostPopular(ds.vocab.size), test), 50);
  assert.ok(Math.abs(recall.f16 - recall.f32) < 0.02, `Recall@50 f16 ${recall.f16} vs f32 ${recall.f32}`);
  assert.ok(recall.f16 > pop * 1.2, `f16 ${recall.f16} vs MostPopular ${pop}`);
});

test.run();
