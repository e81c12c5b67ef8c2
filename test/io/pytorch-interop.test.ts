// PyTorch interop (issue 4): state dicts exported from independent torch.nn implementations with
// `safetensors` (test/fixtures/torch/make_fixtures.py; names and layouts in docs/checkpoint-format.md) load
// through the public checkpoint path (decodeCheckpoint + createModel + loadParams, and
// Recommender.load), and our forward matches the stored PyTorch float32 outputs to 1e-5 on every
// float32 backend: interest vectors, active flags, read-out user vectors and their item logits
// (SA attention, SINE prototypes, gates and aggregation weights too). Perturbing any one stored
// tensor moves the outputs by more than the tolerance, so the comparison can fail and every
// tensor of the file is actually read — except three biases that provably have no effect (NO_EFFECT).
// MVKE (a tag-profile checkpoint) is compared on kernels, field attention, gates and tag scores.
// Needs no Python: the fixture binaries are committed.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import type { Engine } from '../../src/engine/engine.js';
import { setEngine } from '../../src/engine/load.js';
import { clearTape, noGrad } from '../../src/autograd/tape.js';
import { decodeCheckpoint, loadParams } from '../../src/io/checkpoint.js';
import { asFloat32, asInt32, decodeSafetensors, type SafeFile } from '../../src/io/safetensors.js';
import { createModel, modelNameOfKind } from '../../src/models/registry.js';
import type { RetrievalBatch, RetrievalModel } from '../../src/models/types.js';
import { SINE } from '../../src/models/sine.js';
import { ComiRecSA } from '../../src/models/comirec-sa.js';
import { labelAwareAttention } from '../../src/nn/readout.js';
import { gather, matmul, reshape } from '../../src/ops/index.js';
import { idTensor, type Tensor } from '../../src/tensor.js';
import { Recommender } from '../../src/serve/recommender.js';
import { decodeTagCheckpoint } from '../../src/io/tag-checkpoint.js';
import type { FieldBatch } from '../../src/nn/field-batch.js';
import type { MVKE, MVKETrace } from '../../src/models/mvke.js';
import { f32Backends } from '../helpers/engines.js';
import '../helpers/node-host.js'; // paths go through the library's file system

const TOL = 1e-5;
const FIXTURES = ['comirec-sa', 'youtube-dnn', 'mind', 'mind-proj', 'comirec-dr', 'sine'];
const dir = new URL('../fixtures/torch/', import.meta.url);
const read = (file: string) => new Uint8Array(readFileSync(new URL(file, dir)));

interface Fixture {
  name: string;
  ckpt: Uint8Array;
  io: SafeFile;
}

const fixtures: Fixture[] = FIXTURES.map((name) => ({ name, ckpt: read(`${name}.safetensors`), io: decodeSafetensors(read(`${name}.io.safetensors`), `${name}.io.safetensors`) }));

function f32(fx: Fixture, key: string): Float32Array {
  const t = fx.io.tensors.get(`fixture.${key}`);
  if (!t) throw new Error(`${fx.name}: no fixture.${key}`);
  return asFloat32(t, key);
}

function i32(fx: Fixture, key: string): Int32Array {
  const t = fx.io.tensors.get(`fixture.${key}`);
  if (!t) throw new Error(`${fx.name}: no fixture.${key}`);
  return asInt32(t, key);
}

function batchOf(fx: Fixture): RetrievalBatch {
  const [B, T] = fx.io.tensors.get('fixture.hist')!.shape;
  return { B, T, hist: i32(fx, 'hist'), mask: f32(fx, 'mask'), len: i32(fx, 'len'), target: i32(fx, 'target') };
}

/** Model from the torch-exported checkpoint, through the public load path. */
function load(fx: Fixture): RetrievalModel {
  const ck = decodeCheckpoint(fx.ckpt, `${fx.name}.safetensors`);
  const name = modelNameOfKind(ck.kind);
  if (!name) throw new Error(`${fx.name}: unknown kind ${ck.kind}`);
  const model = createModel(name, ck.config as { items: number }) as RetrievalModel;
  loadParams(ck, model.params, `${fx.name}.safetensors`);
  return model;
}

interface Outputs {
  interests: Float32Array; // [B, K, D]
  active: Uint8Array; // [B, K]
  user: Float32Array; // [B, D] read-out (label-aware / hard, YouTubeDNN's vector, SINE's v_u)
  scores: Float32Array; // [B, N] user · Eᵀ
  extra: Record<string, Float32Array | Int32Array>;
}

/** Our forward under noGrad, copied out of the arena. */
function forward(model: RetrievalModel, batch: RetrievalBatch): Outputs {
  const copy = (t: Tensor) => Float32Array.from(t.data);
  const out = noGrad(() => {
    const E = model.itemTable();
    const extra: Record<string, Float32Array | Int32Array> = {};
    let user: Tensor;
    let vectors: Tensor, active: Uint8Array;
    if (model instanceof SINE) {
      const f = model.forward(batch);
      ({ vectors, active } = model.interests(batch));
      user = f.user;
      extra.queries = copy(model.queries(batch).vectors);
      extra.selected = Int32Array.from(f.selected);
      extra.gate = copy(f.gate);
      extra.aggregation = copy(f.e);
    } else {
      const trace: { attention?: Tensor } = {};
      ({ vectors, active } = model instanceof ComiRecSA ? model.interests(batch, { trace }) : model.interests(batch));
      if (trace.attention) extra.attention = copy(trace.attention);
      const [B, , D] = vectors.shape;
      if (model.kind === 'YouTubeDNN') user = reshape(vectors, [B, D]);
      else {
        const p = (model.config as { labelAwareP?: number }).labelAwareP ?? Infinity; // SA, DR: hard read-out
        user = labelAwareAttention(vectors, active, gather(E, idTensor(batch.target!, [B], E.engine)), p);
      }
    }
    return { interests: copy(vectors), active: Uint8Array.from(active), user: copy(user), scores: copy(matmul(user, E, false, true)), extra };
  });
  clearTape();
  model.itemTable().engine.heap.resetArena();
  return out;
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>, what: string): number {
  if (a.length !== b.length) throw new Error(`${what}: ${a.length} values vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** Largest difference of our outputs from the stored PyTorch ones (exact-match fields assert). */
function compare(fx: Fixture, o: Outputs, label: string): number {
  assert.equal(Array.from(o.active), Array.from(i32(fx, 'active')), `${label}: active interests`);
  let worst = 0;
  worst = Math.max(worst, maxDiff(o.interests, f32(fx, 'interests'), `${label} interests`));
  worst = Math.max(worst, maxDiff(o.user, f32(fx, 'user'), `${label} user`));
  worst = Math.max(worst, maxDiff(o.scores, f32(fx, 'scores'), `${label} scores`));
  for (const [k, v] of Object.entries(o.extra)) {
    if (k === 'selected') assert.equal(Array.from(v), Array.from(i32(fx, k)), `${label}: selected prototypes`);
    else worst = Math.max(worst, maxDiff(v, f32(fx, k), `${label} ${k}`));
  }
  return worst;
}

/**
 * Tensors that provably cannot change the forward: each adds the same amount to every entry of a
 * softmax. SA's b2[k] shifts all T logits of interest k (softmax over T); SINE's LN2 bias adds
 * ⟨q_t, β₂⟩ to all K assignment logits of slot t (softmax over K); MVKE's key bias adds
 * ⟨b_k, Q_e⟩ to all F field logits of kernel e (softmax over fields). Kept for parity with the
 * specification; the torch side has them too.
 */
const NO_EFFECT = new Set(['sa.b2', 'sine.ln2.b', 'attn.bk']);

/**
 * Largest output change `run()` reports when one entry of `t` at a time gets +0.05: entry 0 of row
 * `row` for an id table (row ≥ 0), else the first, middle and last entries (one of them may feed a
 * dead ReLU unit). Restores every entry.
 */
function largestMove(t: Tensor, row: number, run: () => number): number {
  const at = row >= 0 ? [row * t.cols] : [0, t.size >> 1, t.size - 1];
  let d = 0;
  for (const i of at) {
    const old = t.data[i];
    t.data[i] = old + 0.05;
    d = Math.max(d, run());
    t.data[i] = old;
  }
  return d;
}

let engines: Engine[] = [];
test.before(async () => {
  engines = await f32Backends();
});

for (const fx of fixtures) {
  test(`${fx.name}: torch-exported checkpoint loads and matches PyTorch to ${TOL}`, () => {
    for (const e of engines) {
      setEngine(e);
      const model = load(fx);
      const diff = compare(fx, forward(model, batchOf(fx)), `${fx.name} on ${e.backend}`);
      if (process.env.MIREC_INTEROP_VERBOSE) console.log(`${fx.name.padEnd(12)} ${e.backend.padEnd(10)} max |ours − torch| = ${diff.toExponential(2)}`);
      assert.ok(diff <= TOL, `${fx.name} on ${e.backend}: max |ours − torch| = ${diff} > ${TOL}`);
      model.params.free();
    }
  });

  test(`${fx.name}: perturbing any one stored tensor moves the outputs beyond ${TOL}`, () => {
    setEngine(engines[engines.length - 1]); // wasm-simd
    const model = load(fx);
    const batch = batchOf(fx);
    const base = forward(model, batch);
    for (const [name, t] of model.params.tensors) {
      // Id tables: the first history item's row, the top prototype's row of SINE's pool.
      const rowOf = name === 'item_emb' ? batch.hist[0] : name === 'sine.C' ? (base.extra.selected as Int32Array)[0] : -1;
      const d = largestMove(t, rowOf, () => {
        const moved = forward(model, batch);
        let m = Math.max(maxDiff(moved.interests, base.interests, name), maxDiff(moved.user, base.user, name));
        for (const [k, v] of Object.entries(base.extra)) m = Math.max(m, maxDiff(moved.extra[k], v, `${name} ${k}`));
        return m;
      });
      if (NO_EFFECT.has(name)) {
        assert.ok(d <= 1e-6, `${fx.name}: ${name} should not change the outputs (moved ${d})`);
        continue;
      }
      assert.ok(d > TOL, `${fx.name}: +0.05 on entries of ${name} moved the outputs by only ${d}`);
    }
    model.params.free();
  });
}

test('Recommender.load serves a torch-exported checkpoint: interests of raw-id histories match PyTorch', async () => {
  const fx = fixtures.find((f) => f.name === 'comirec-sa')!;
  setEngine(engines[engines.length - 1]);
  const rec = await Recommender.load(fx.ckpt);
  const { B, T, hist, len } = batchOf(fx);
  const want = f32(fx, 'interests');
  const [, K, D] = fx.io.tensors.get('fixture.interests')!.shape;
  for (let b = 0; b < B; b++) {
    const raw = Array.from(hist.subarray(b * T, b * T + len[b]), (i) => `i${i}`); // the fixture vocabulary: index i ↔ raw id "i<i>"
    const got = rec.interests(raw);
    assert.is(got.length, K);
    for (let k = 0; k < K; k++) {
      const d = maxDiff(got[k], want.subarray((b * K + k) * D, (b * K + k + 1) * D), `row ${b} interest ${k}`);
      assert.ok(d <= TOL, `row ${b} interest ${k}: ${d} > ${TOL}`);
    }
  }
  rec.model.params.free();
});

// MVKE is a tag-profile model: its file is a `tag-profile` checkpoint (tensors `param.m0.<name>`,
// the MVKE config and the tag vocabulary), read by decodeTagCheckpoint.
const mvkeFx: Fixture = { name: 'mvke', ckpt: read('mvke.safetensors'), io: decodeSafetensors(read('mvke.io.safetensors'), 'mvke.io.safetensors') };

function mvkeFields(fx: Fixture): FieldBatch {
  const multi = (key: string) => {
    const [B, n] = fx.io.tensors.get(`fixture.${key}.ids`)!.shape;
    return { kind: 'multi' as const, n, ids: i32(fx, `${key}.ids`), weights: f32(fx, `${key}.weights`), B };
  };
  const items = multi('items'), tags = multi('tags');
  return { B: items.B, values: [items, tags, { kind: 'single', ids: i32(fx, 'activity') }] };
}

/** Kernels X [B, E, D], α [B, E, F], per-task gates [N_tag, |S|] and scores [B, N_tag] (tag 0 left out). */
function mvkeOutputs(m: MVKE, fb: FieldBatch): Record<string, Float32Array> {
  const out = noGrad(() => {
    const trace: MVKETrace = {};
    const res: Record<string, Float32Array> = { kernels: Float32Array.from(m.kernelsOf(fb, trace).data), alpha: Float32Array.from(trace.alpha!.data) };
    m.tasks.forEach((task, ti) => {
      res[`gates_${task}`] = Float32Array.from(m.tagTable(ti).g);
      res[`scores_${task}`] = Float32Array.from(m.scoreTags(fb)[ti]);
    });
    return res;
  });
  clearTape();
  m.params.engine.heap.resetArena();
  return out;
}

/** Largest difference between two output sets; tag 0 (padding) of the scores is left out. */
function mvkeDiff(a: Record<string, Float32Array>, b: (k: string) => Float32Array, nTags: number): number {
  let worst = 0;
  for (const [k, v] of Object.entries(a)) {
    const want = b(k);
    if (k.startsWith('scores_')) {
      // mirec scores padding tag 0 as −∞ (never returned); the torch side scores it like any row.
      for (let i = 0; i < v.length; i++) if (i % nTags !== 0) worst = Math.max(worst, Math.abs(v[i] - want[i]));
    } else worst = Math.max(worst, maxDiff(v, want, `mvke ${k}`));
  }
  return worst;
}

test(`mvke: torch-exported tag checkpoint loads and matches PyTorch to ${TOL}`, () => {
  for (const e of engines) {
    setEngine(e);
    const { models } = decodeTagCheckpoint(mvkeFx.ckpt, 'mvke.safetensors');
    const m = models[0] as MVKE;
    assert.is(m.kind, 'MVKE');
    const diff = mvkeDiff(mvkeOutputs(m, mvkeFields(mvkeFx)), (k) => f32(mvkeFx, k), m.config.tags);
    if (process.env.MIREC_INTEROP_VERBOSE) console.log(`${'mvke'.padEnd(12)} ${e.backend.padEnd(10)} max |ours − torch| = ${diff.toExponential(2)}`);
    assert.ok(diff <= TOL, `mvke on ${e.backend}: max |ours − torch| = ${diff} > ${TOL}`);
    m.params!.free();
  }
});

test(`mvke: perturbing any one stored tensor moves the outputs beyond ${TOL}`, () => {
  setEngine(engines[engines.length - 1]);
  const m = decodeTagCheckpoint(mvkeFx.ckpt, 'mvke.safetensors').models[0] as MVKE;
  const fb = mvkeFields(mvkeFx);
  const base = mvkeOutputs(m, fb);
  for (const [name, t] of m.params!.tensors) {
    // Row 2 of the id tables is used (an item, a tag, a bucket, a tag group).
    const rowOf = name.startsWith('table.') || name.startsWith('tag.') ? 2 : -1;
    const d = largestMove(t, rowOf, () => mvkeDiff(mvkeOutputs(m, fb), (k) => base[k], m.config.tags));
    if (NO_EFFECT.has(name)) {
      assert.ok(d <= 1e-6, `mvke: ${name} should not change the outputs (moved ${d})`);
      continue;
    }
    assert.ok(d > TOL, `mvke: +0.05 on entries of ${name} moved the outputs by only ${d}`);
  }
  m.params!.free();
});

test.run();
