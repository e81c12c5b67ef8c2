// Library misconfiguration from plain JavaScript is refused with a message that names the option
// and the fix: model configs, Trainer options and arguments, init options, prepareRetrieval,
// readEvents, evaluate, recommend, load and save.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { init } from '../../src/engine/load.js';
import { ComiRecSA } from '../../src/models/comirec-sa.js';
import { ComiRecDR } from '../../src/models/comirec-dr.js';
import { MIND } from '../../src/models/mind.js';
import { SINE } from '../../src/models/sine.js';
import { YouTubeDNN } from '../../src/models/youtube-dnn.js';
import { UTPM } from '../../src/models/utpm.js';
import { MVKE } from '../../src/models/mvke.js';
import { TwoTower } from '../../src/models/two-tower.js';
import { Trainer } from '../../src/train/trainer.js';
import { evaluateRetrieval } from '../../src/train/evaluate.js';
import { prepareRetrieval, evalCases } from '../../src/data/protocol.js';
import { readEvents } from '../../src/data/read-events.js';
import { generateSynthetic } from '../../src/data/synthetic.js';
import { syntheticTagDataset } from '../../src/data/tag-datasets.js';
import { Recommender } from '../../src/serve/recommender.js';
import { save, load, loadRecommender } from '../../src/serve/save-load.js';

// The calls below are what plain JavaScript can pass; `any` stands for "no type checker".
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const js = (x: unknown) => x as any;
const refuses = (fn: () => unknown, re: RegExp) => assert.throws(fn, (e: Error) => e instanceof TypeError && re.test(e.message), String(re));
const refusesAsync = async (p: () => Promise<unknown>, re: RegExp) =>
  p().then(() => assert.unreachable(`expected ${re}`), (e: Error) => { assert.instance(e, TypeError); assert.match(e.message, re); });

const synth = generateSynthetic('tiny');
const ds = prepareRetrieval(synth.events, { filter: false });

test('model configs: unknown settings (did-you-mean), wrong kinds, missing items', async () => {
  await init({ backend: 'js' });
  const items = ds.vocab.size;
  refuses(() => new ComiRecSA(js({ items, seqlen: 20 })), /^ComiRecSA config: unknown option "seqlen" \(did you mean "seqLen"\?\)/);
  refuses(() => new ComiRecSA(js({ items, dim: '16' })), /ComiRecSA config: "dim" must be a whole number, got the string "16"/);
  refuses(() => new ComiRecSA(js({ items, alignment: 'center' })), /"alignment" must be one of "left", "right"/);
  refuses(() => new ComiRecSA(js({ dim: 8 })), /ComiRecSA config: "items" is required/);
  refuses(() => new ComiRecSA(js(undefined)), /ComiRecSA config: expected an object with items/);
  refuses(() => new ComiRecDR(js({ items, mapinit: 'glorot' })), /ComiRecDR config: unknown option "mapinit" \(did you mean "mapInit"\?\)/);
  refuses(() => new MIND(js({ items, iteration: 3 })), /MIND config: unknown option "iteration" \(did you mean "iterations"\?\)/);
  refuses(() => new SINE(js({ items, prototype: 50 })), /SINE config: unknown option "prototype" \(did you mean "prototypes"\?\)/);
  refuses(() => new YouTubeDNN(js({ items, dims: 8 })), /YouTubeDNN config: unknown option "dims" \(did you mean "dim"\?\)/);
  const tags = syntheticTagDataset('tiny');
  const base = { fields: tags.fields, tags: tags.tagNames.length };
  refuses(() => new UTPM(js({ ...base, embedDims: 8 })), /UTPM config: unknown option "embedDims" \(did you mean "embedDim"\?\)/);
  refuses(() => new MVKE(js({ ...base, kernel: 3 })), /MVKE config: unknown option "kernel" \(did you mean "kernels"\?\)/);
  refuses(() => new MVKE(js({ fields: tags.fields })), /MVKE config: "tags" is required/);
  refuses(() => new TwoTower(js({ ...base, dimm: 8 })), /TwoTower config: unknown option "dimm" \(did you mean "dim"\?\)/);
  // Well-formed configs still build.
  new ComiRecSA({ items, dim: 8, seqLen: 5, alignment: 'right' });
  new MIND({ items, dim: 8, labelAwareP: Infinity });
});

test('Trainer: options checked, raw events and non-models refused with the fix', async () => {
  await init({ backend: 'js' });
  const m = new ComiRecSA({ items: ds.vocab.size, dim: 8, seqLen: 5 });
  refuses(() => new Trainer(m, ds, js({ maxStep: 5 })), /^Trainer options: unknown option "maxStep" \(did you mean "maxSteps"\?\)/);
  refuses(() => new Trainer(m, ds, js({ batchsize: 8 })), /did you mean "batchSize"\?/);
  refuses(() => new Trainer(m, ds, js({ lr: '0.01' })), /Trainer options: "lr" must be a number, got the string "0\.01"/);
  assert.throws(() => new Trainer(m, ds, js({ profile: 'fast' })), /Trainer: profile "fast"; expected quick or paper/);
  refuses(() => new Trainer(m, ds, js({ profile: 3 })), /"profile" must be a string/);
  refuses(() => new Trainer(m, js(synth.events)), /Trainer: the second argument must be a dataset prepared by prepareRetrieval\(events\); this is a raw Events table: call prepareRetrieval on it first/);
  refuses(() => new Trainer(m, js([[1, 2]])), /second argument must be a dataset prepared by prepareRetrieval\(events\), got an array/);
  refuses(() => new Trainer(js({ items: 5 }), ds), /Trainer: the first argument must be a trainable model/);
  const t = new Trainer(m, ds, { maxSteps: 2, batchSize: 8 });
  refuses(() => t.fit(js({ signl: null })), /Trainer.fit options: unknown option "signl" \(did you mean "signal"\?\)/);
  assert.is(t.fit().steps, 2);
});

test('init, prepareRetrieval, readEvents, evaluateRetrieval options', async () => {
  await refusesAsync(() => init(js({ backend: 'gpu' })), /init options: "backend" must be one of "auto", "wasm-simd", "wasm", "js", got the string "gpu"/);
  await refusesAsync(() => init(js({ thread: 2 })), /init options: unknown option "thread" \(did you mean "threads"\?\)/);
  await refusesAsync(() => init(js({ threads: 0 })), /"threads" must be a whole number ≥ 1 or 'auto'/);
  await init({ backend: 'js' });
  refuses(() => prepareRetrieval(synth.events, js({ fliter: false })), /prepareRetrieval options: unknown option "fliter" \(did you mean "filter"\?\)/);
  refuses(() => prepareRetrieval(js([{ user: 'a', item: 'b' }])), /prepareRetrieval: the first argument must be an Events table/);
  await refusesAsync(() => readEvents(new TextEncoder().encode('1,2,3\n'), js({ fromat: 'comirec' })), /readEvents options: unknown option "fromat" \(did you mean "format"\?\)/);
  const m = new YouTubeDNN({ items: ds.vocab.size, dim: 8, seqLen: 5 });
  refuses(() => evaluateRetrieval(m, evalCases(ds, 'test', 5), js({ n: [20] })), /evaluateRetrieval options: unknown option "n" \(did you mean "ns"\?\)/);
});

test('Recommender, recommend, save and load options', async () => {
  await init({ backend: 'js' });
  const rec = new Recommender(new ComiRecSA({ items: ds.vocab.size, dim: 8, seqLen: 5 }), ds.vocab);
  const hist = [ds.vocab.raw(1), ds.vocab.raw(2)];
  refuses(() => rec.recommend(hist, js({ topn: 5 })), /recommend options: unknown option "topn" \(did you mean "topN"\?\)/);
  refuses(() => rec.recommend(hist, js({ filterHistory: 'yes' })), /"filterHistory" must be true or false/);
  refuses(() => rec.interests(hist, js({ users: 'u1' })), /interests options: unknown option "users" \(did you mean "user"\?\)/);
  refuses(() => new Recommender(js({}), ds.vocab), /Recommender: the first argument must be a retrieval model/);
  refuses(() => new Recommender(rec.model, js(ds.vocab.ids)), /Recommender: the second argument must be a Vocabulary/);
  const bytes = await save(rec);
  await refusesAsync(() => load(bytes, js({ allowNonfinite: true })), /load options: unknown option "allowNonfinite" \(did you mean "allowNonFinite"\?\)/);
  await refusesAsync(() => loadRecommender(bytes, js({ strict: true })), /loadRecommender options: unknown option "strict"/);
  await refusesAsync(() => save(js(rec.model)), /save: the first argument must be a Recommender or a TagProfiler/);
  await refusesAsync(() => save(rec, js(42)), /save: the target must be a file path/);
  assert.is((await loadRecommender(bytes)).recommend(hist, { topN: 3 }).length, 3);
});

test.run();
