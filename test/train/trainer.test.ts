// Trainer on the synthetic 'tiny' preset: the loss falls and validation recall is tracked, the
// profiles' defaults, early stopping, a resumed run (in memory and through a file) continues
// bit-identically, a NaN stops training before the bad update and keeps the last good weights.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { init } from '../../src/engine/load.js';
import { generateSynthetic } from '../../src/data/synthetic.js';
import { evalCases, prepareRetrieval } from '../../src/data/protocol.js';
import { ComiRecSA } from '../../src/models/comirec-sa.js';
import { YouTubeDNN } from '../../src/models/youtube-dnn.js';
import { MostPopular } from '../../src/models/most-popular.js';
import { Trainer, type TrainProgress } from '../../src/train/trainer.js';
import { keepBestAt, loadCheckpoint, saveCheckpoint } from '../../src/train/checkpoint-file.js';
import { evaluateRetrieval, recallAt } from '../../src/train/evaluate.js';
import { validationSample } from '../../src/train/retrieval-training.js';
import { decodeCheckpoint } from '../../src/io/checkpoint.js';
import '../helpers/node-host.js'; // paths go through the library's file system

const ds = prepareRetrieval(generateSynthetic('tiny').events, { filter: false });
const T = 20;
const sa = () => new ComiRecSA({ items: ds.vocab.size, dim: 16, seqLen: T, seed: 2 });
const snapshot = (t: Trainer) => [
  ...t.model.params!.list().map((p) => Array.from(p.data)),
  ...t.optimizer.state().map((s) => Array.from(s.tensor.data)),
];

test('fit: loss falls, progress is reported, best weights restored, beats MostPopular', async () => {
  await init({ backend: 'wasm-simd' });
  const events: TrainProgress[] = [];
  const model = sa();
  const t = new Trainer(model, ds, { batchSize: 64, lr: 5e-3, evalEvery: 50, maxSteps: 300, progressEvery: 10, onProgress: (p) => { events.push(p); } });
  const r = t.fit();
  assert.is(r.steps, 300);
  assert.ok(r.lossCurve.at(-1)!.loss < r.lossCurve[0].loss - 0.5, `loss ${r.lossCurve[0].loss} → ${r.lossCurve.at(-1)!.loss}`);
  assert.is(events.filter((p) => p.valRecall50 !== undefined).length, 6);
  assert.ok(events.every((p) => p.stepsPerSec > 0 && p.etaSec >= 0 && Number.isFinite(p.loss)));
  assert.is(events.at(-1)!.etaSec, 0);
  assert.ok(r.stepsPerSec > 0 && r.seconds > 0);
  assert.ok(Math.abs(t.validate() - r.bestRecall50) < 1e-9, 'the best weights are the ones left in the model');
  const test = evalCases(ds, 'test', T);
  const pop = recallAt(evaluateRetrieval(new MostPopular(ds.vocab.size), test), 50);
  const ours = recallAt(evaluateRetrieval(model, test), 50);
  assert.ok(ours > pop * 1.2, `ComiRec-SA ${ours} vs MostPopular ${pop}`);
});

test('profiles: quick and paper defaults (docs/protocols.md#validation-and-early-stopping); bad options are refused', async () => {
  await init({ backend: 'wasm-simd' });
  const quick = new Trainer(sa(), ds, { batchSize: 64 });
  assert.is(quick.opts.evalEvery, Math.max(100, 5 * Math.ceil(ds.train.length / 64)));
  assert.is(quick.opts.patience, 10);
  const paper = new Trainer(sa(), ds, { batchSize: 64, profile: 'paper' });
  assert.equal([paper.opts.evalEvery, paper.opts.patience, paper.opts.maxSteps], [1000, 50, 1_000_000]);
  const long = new Trainer(new YouTubeDNN({ items: ds.vocab.size, dim: 8, seqLen: 50 }), ds, { batchSize: 64, profile: 'paper', patience: 3 });
  assert.equal([long.opts.evalEvery, long.opts.patience], [500, 3]);
  assert.throws(() => new Trainer(sa(), ds, { batchSize: 10_000 }), /batchSize 10000 exceeds the \d+ training users/);
  assert.throws(() => new Trainer(sa(), ds, { evalEvery: 0 }), /evalEvery 0/);
  assert.throws(() => new Trainer(sa(), ds, { profile: 'fast' as 'quick' }), /profile "fast"/);
});

test('early stopping fires after patience + 1 evaluations without improvement', async () => {
  await init({ backend: 'wasm-simd' });
  const bests: number[] = [];
  const t = new Trainer(sa(), ds, { batchSize: 64, lr: 0, evalEvery: 5, patience: 2, maxSteps: 10_000, onBest: (b) => void bests.push(b.step) });
  const r = t.fit();
  assert.is(r.stoppedBy, 'patience');
  assert.is(r.steps, 20, 'first evaluation sets the best, three more without improvement stop it');
  assert.equal(bests, [5]);
  assert.match(r.message, /no better validation Recall@50 in 3 evaluations/);
});

test('resume continues bit-identically over 20 steps (weights, Adam moments, generators), also through a file', async () => {
  await init({ backend: 'wasm-simd' });
  const dir = mkdtempSync(join(tmpdir(), 'mirec-trainer-'));
  const opts = { batchSize: 64, lr: 5e-3, evalEvery: 15, maxSteps: 10 };
  const a = new Trainer(sa(), ds, opts);
  a.fit();
  const ck = a.checkpoint();
  await saveCheckpoint(a, join(dir, 'ck.safetensors'));
  // The file is streamed from views of the engine's memory: the same bytes as checkpoint().
  assert.ok(Buffer.from(readFileSync(join(dir, 'ck.safetensors'))).equals(Buffer.from(ck)), 'saved file differs from checkpoint()');
  assert.ok(a.checkpointChunks().slice(1).some((c) => c.buffer === a.model.params!.list()[0].data.buffer), 'tensor chunks are views, not copies');
  a.opts.maxSteps = 30;
  const ra = a.fit();
  const straight = snapshot(a);
  for (const how of ['bytes', 'file']) {
    const b = new Trainer(sa(), ds, { ...opts, maxSteps: 30 });
    if (how === 'bytes') b.resume(ck, 'ck.safetensors');
    else await loadCheckpoint(b, join(dir, 'ck.safetensors'));
    assert.is(b.step, 10);
    const rb = b.fit();
    assert.equal(rb.bestRecall50, ra.bestRecall50);
    assert.equal(rb.lossCurve, ra.lossCurve);
    snapshot(b).forEach((v, i) => assert.ok(v.every((x, j) => Object.is(x, straight[i][j])), `${how}: tensor ${i} differs after resume`));
  }
  const other = new Trainer(new YouTubeDNN({ items: ds.vocab.size, dim: 16, seqLen: T }), ds, { batchSize: 64 });
  assert.throws(() => other.resume(ck, 'ck.safetensors'), /ck\.safetensors holds a ComiRec-SA model, not YouTubeDNN/);
  let missing = '';
  await loadCheckpoint(other, join(dir, 'nope.safetensors')).catch((e: Error) => (missing = e.message));
  assert.match(missing, /loadCheckpoint: could not read .*nope\.safetensors/);
});

test('an injected NaN stops training before the update, names the step and keeps the last good weights', async () => {
  await init({ backend: 'wasm-simd' });
  const model = sa();
  const saved: { step: number; params: Float32Array[]; bytes: Uint8Array }[] = [];
  const t = new Trainer(model, ds, {
    batchSize: 64, lr: 5e-3, evalEvery: 25, progressEvery: 20, maxSteps: 500,
    onBest: (b, tr) => void saved.push({ step: b.step, params: tr.model.params!.list().map((p) => Float32Array.from(p.data)), bytes: tr.checkpoint() }),
    onProgress: (p) => { if (p.step === 60 && p.valRecall50 === undefined) model.params.get('sa.W1').data[3] = NaN; },
  });
  const r = t.fit();
  assert.is(r.stoppedBy, 'nonFinite');
  assert.is(r.steps, 60);
  assert.match(r.message, /loss became NaN at step 61; stopped before updating and restored the best weights \(step (25|50)\)/);
  assert.ok(saved.length >= 1 && saved.every((s) => s.step <= 50), 'no checkpoint after the NaN');
  const last = saved.at(-1)!;
  model.params.list().forEach((p, i) => assert.equal(Array.from(p.data), Array.from(last.params[i]), `${p.name} is the last good value`));
  const ck = decodeCheckpoint(last.bytes);
  assert.is((ck.extra.trainer as { step: number }).step, last.step);
  // Before any validation there is nothing to restore: the weights stay those before the bad step.
  const m2 = sa();
  m2.params.get('sa.W1').data.fill(NaN);
  const r2 = new Trainer(m2, ds, { batchSize: 64, maxSteps: 50 }).fit();
  assert.is(r2.stoppedBy, 'nonFinite');
  assert.match(r2.message, /loss became NaN at step 1; stopped before updating and the weights are those before this step/);
});

test('fitAsync awaits onBest: keepBestAt leaves the best checkpoint on disk', async () => {
  await init({ backend: 'wasm-simd' });
  const dir = mkdtempSync(join(tmpdir(), 'mirec-trainer-'));
  const path = join(dir, 'best.safetensors');
  const t = new Trainer(sa(), ds, { batchSize: 64, lr: 5e-3, evalEvery: 20, maxSteps: 60, onBest: keepBestAt(path, { note: 'x' }) });
  const r = await t.fitAsync();
  assert.ok(existsSync(path));
  const b = new Trainer(sa(), ds, { batchSize: 64, lr: 5e-3, evalEvery: 20, maxSteps: 60 });
  await loadCheckpoint(b, path);
  assert.is(b.step, r.bestStep);
  assert.is(b.bestRecall50, r.bestRecall50);
  b.model.params!.list().forEach((p, i) => assert.equal(Array.from(p.data), Array.from(t.model.params!.list()[i].data)));
});


test('validUsers: a fixed validation sample, the same for every seed; the rest of the options unchanged', async () => {
  await init({ backend: 'wasm-simd' });
  const n = Math.floor(ds.valid.length / 3);
  const sample = validationSample(ds.valid, n);
  assert.is(sample.length, n);
  assert.equal(Array.from(validationSample(ds.valid, n)), Array.from(sample), 'drawn with a fixed generator');
  const pos = Array.from(sample, (u) => Array.from(ds.valid).indexOf(u));
  assert.ok(pos.every((p, i) => p >= 0 && (i === 0 || p > pos[i - 1])), 'distinct validation users in split order');
  assert.equal(Array.from(validationSample(ds.valid, ds.valid.length + 5)), Array.from(ds.valid));
  const [ma, mall] = [sa(), sa()];
  const a = new Trainer(ma, ds, { batchSize: 64, seed: 1, validUsers: n });
  const b = new Trainer(sa(), ds, { batchSize: 64, seed: 2, validUsers: n });
  const all = new Trainer(mall, ds, { batchSize: 64, seed: 1 });
  assert.is(a.opts.validUsers, n);
  assert.is(all.opts.validUsers, 0);
  const onSample = recallAt(evaluateRetrieval(ma, evalCases(ds, 'valid', T, sample), { ns: [50] }), 50);
  assert.is(a.validate(), onSample, 'validation scores the sample');
  assert.is(b.validate(), onSample, 'same model weights (model seed 2 in both), same sample for another training seed');
  const full = recallAt(evaluateRetrieval(mall, evalCases(ds, 'valid', T), { ns: [50] }), 50);
  assert.is(all.validate(), full);
  assert.throws(() => new Trainer(sa(), ds, { validUsers: -1 }), /validUsers -1/);
  assert.throws(() => new Trainer(sa(), ds, { validUsers: 10, protocol: 'loo' }), /validUsers applies to the comirec protocol/);
});

test.run();
