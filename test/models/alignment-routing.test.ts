// Config switches of docs/model-guide.md#conventions and docs/model-guide.md#mind that change how a model reads a batch:
// `alignment: 'right'` (a right-aligned model on a left-aligned batch equals a left-aligned model
// with the same weights reading the right-aligned window; non-left-aligned input is refused;
// resuming under the other value is refused) and MIND's `servingRouting: 'perUser'` (logits seeded
// by the user-id hash: reproducible per user, different across users, needs userKeys).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { setEngine } from '../../src/engine/load.js';
import { Rng, hashString } from '../../src/engine/random.js';
import { clearTape, noGrad } from '../../src/autograd/tape.js';
import { createModel } from '../../src/models/registry.js';
import { alignRight } from '../../src/models/common.js';
import { MIND } from '../../src/models/mind.js';
import type { RetrievalBatch, RetrievalModel } from '../../src/models/types.js';
import { Trainer } from '../../src/train/trainer.js';
import { generateSynthetic } from '../../src/data/synthetic.js';
import { evalCases, prepareRetrieval } from '../../src/data/protocol.js';
import { evaluateRetrieval } from '../../src/train/evaluate.js';
import { oracle } from '../helpers/engines.js';
import { makeBatch, maxDiff, values } from './capsule-helpers.js';

const T = 5;
const LEFT = makeBatch([[3, 7, 2], [9], [4, 4, 8, 1, 6]], T, [5, 2, 11]);
const tiny = (name: string, over: Record<string, unknown> = {}) =>
  createModel(name, { items: 12, dim: 4, interests: 3, seqLen: T, negatives: { kind: 'full' }, ...over }) as RetrievalModel;

test('alignRight moves each row so its newest item is in slot T−1', () => {
  const r = alignRight('test', LEFT);
  assert.equal(Array.from(r.hist), [0, 0, 3, 7, 2, 0, 0, 0, 0, 9, 4, 4, 8, 1, 6]);
  assert.equal(Array.from(r.mask), [0, 0, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1]);
  assert.equal(Array.from(r.len), [3, 1, 5]);
  const bad = makeBatch([[3, 7]], T);
  bad.mask.set([0, 1, 1, 0, 0]);
  assert.throws(() => alignRight('ComiRecSA', bad), /ComiRecSA: row 0 is not a left-aligned window \(mask slot 0/);
});

for (const name of ['comirec-sa', 'comirec-dr', 'sine', 'mind', 'youtube-dnn']) {
  test(`${name}: alignment 'right' reads the window as a left model reads it right-aligned`, () => {
    const e = setEngine(oracle());
    const over = name === 'mind' ? { adaptiveInterests: false } : {};
    const right = tiny(name, { ...over, alignment: 'right' });
    const left = tiny(name, over);
    // Non-zero values everywhere (some positional tables start at zero).
    right.params.list().forEach((p, j) => { for (let i = 0; i < p.size; i++) p.data[i] += 0.2 * Math.sin(1.7 * i + j); });
    left.params.list().forEach((p, i) => p.data.set(right.params.list()[i].data));
    const a = noGrad(() => values(right.queries(LEFT).vectors));
    const b = noGrad(() => values(left.queries(alignRight(name, LEFT)).vectors));
    const c = noGrad(() => values(left.queries(LEFT).vectors));
    assert.ok(maxDiff(a, b) < 1e-12, `right model vs left model on the re-aligned batch: ${maxDiff(a, b)}`);
    // Positional parameters (SA/SINE positions, DR per-slot maps, MIND's b°) see other slots.
    if (name !== 'youtube-dnn') assert.ok(maxDiff(a, c) > 1e-6, 'alignment made no difference');
    const loss = right.loss(LEFT, new Rng(3)).item();
    assert.ok(Number.isFinite(loss));
    clearTape();
    e.heap.resetArena();
  });
}

test('resume refuses a checkpoint trained with the other alignment', () => {
  setEngine(oracle());
  const ds = prepareRetrieval(generateSynthetic('tiny').events, { filter: false });
  const mk = (alignment: 'left' | 'right') => createModel('comirec-sa', { items: ds.vocab.size, dim: 8, interests: 2, seqLen: 10, alignment }) as RetrievalModel;
  const a = new Trainer(mk('left'), ds, { batchSize: 16, maxSteps: 2, evalEvery: 1000 });
  a.fit();
  const ck = a.checkpoint();
  const b = new Trainer(mk('right'), ds, { batchSize: 16, maxSteps: 2, evalEvery: 1000 });
  assert.throws(() => b.resume(ck, 'a.safetensors'), /a\.safetensors was trained with a different model config \(alignment: "left" in the file, "right" here\)/);
  new Trainer(mk('left'), ds, { batchSize: 16, maxSteps: 2, evalEvery: 1000 }).resume(ck, 'a.safetensors');
});

test("MIND servingRouting 'perUser': logits from the user-id hash, reproducible per user", () => {
  const e = setEngine(oracle());
  const one = makeBatch([[4, 4, 8, 1, 6]], T);
  const at = (m: MIND, user?: string): Float64Array => {
    const b: RetrievalBatch = user === undefined ? one : { ...one, userKeys: Uint32Array.of(hashString(user)) };
    const v = noGrad(() => values(m.queries(b).vectors));
    e.heap.resetArena();
    return v;
  };
  const per = new MIND({ items: 12, dim: 4, interests: 3, seqLen: T, servingRouting: 'perUser', adaptiveInterests: false });
  const fixed = new MIND({ items: 12, dim: 4, interests: 3, seqLen: T, adaptiveInterests: false });
  fixed.params.list().forEach((p, i) => p.data.set(per.params.list()[i].data));
  assert.ok(maxDiff(at(per, 'u17'), at(per, 'u17')) === 0, 'same user, same vectors');
  assert.ok(maxDiff(at(per, 'u17'), at(per, 'u18')) > 1e-6, 'another user draws other logits');
  assert.ok(maxDiff(at(fixed, 'u17'), at(fixed, 'u18')) === 0, "'fixed' ignores the user");
  assert.throws(() => at(per), /servingRouting 'perUser' needs batch\.userKeys/);
  assert.throws(() => new MIND({ items: 12, servingRouting: 'nope' as 'fixed' }), /servingRouting = "nope"/);
});

test("MIND 'perUser' evaluates through the protocol: cases carry the users' id hashes", () => {
  setEngine(oracle());
  const ds = prepareRetrieval(generateSynthetic('tiny').events, { filter: false });
  const cases = evalCases(ds, 'test', 10);
  assert.equal(Array.from(cases.userKeys!), Array.from(cases.users, (u) => hashString(ds.userIds[u])));
  const m = new MIND({ items: ds.vocab.size, dim: 8, interests: 2, seqLen: 10, servingRouting: 'perUser' });
  const r = evaluateRetrieval(m, cases);
  assert.ok(r.rows.every((x) => x.recall >= 0 && x.recall <= 1));
});

test('hashString is FNV-1a 32 (known vectors)', () => {
  assert.is(hashString(''), 0x811c9dc5);
  assert.is(hashString('a'), 0xe40c292c);
  assert.is(hashString('foobar'), 0xbf9cf968);
});

test.run();
