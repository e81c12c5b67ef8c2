// Controllable aggregation on the protocol (docs/protocols.md#aggregation-sweep): λ = 0 equals the plain merge,
// the sweep reports recall/diversity per λ with the median top-1 score and the shape checks, and
// a trained ComiRec-SA on the planted data gains diversity at λ > 0; item categories read from
// MovieLens movies.csv (least frequent genre over the catalogue) and from item,category pairs.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { setEngine } from '../../src/engine/load.js';
import { Rng } from '../../src/engine/random.js';
import { backward } from '../../src/autograd/tape.js';
import { Adam } from '../../src/optim/adam.js';
import { generateSynthetic } from '../../src/data/synthetic.js';
import { Vocabulary } from '../../src/data/vocab.js';
import { evalCases, prepareRetrieval, sampleTrainBatch } from '../../src/data/protocol.js';
import { readItemCategories } from '../../src/data/categories-file.js';
import { ComiRecSA } from '../../src/models/comirec-sa.js';
import { evaluateRetrieval, plantedTruth } from '../../src/train/evaluate.js';
import { diversitySweep } from '../../src/train/diversity-sweep.js';
import { f32Backends } from '../helpers/engines.js';
import '../helpers/node-host.js'; // paths go through the library's file system

const vocabOf = (ids: string[]) => new Vocabulary(['', ...ids], new Int32Array(ids.length + 1).fill(1), ids.length);

test('sweep on a trained ComiRec-SA: λ = 0 is the plain merge, diversity rises with λ', async () => {
  const e = setEngine((await f32Backends())[2]);
  const synth = generateSynthetic('small', { users: 800, itemsPerCluster: 40, seed: 5 });
  const ds = prepareRetrieval(synth.events, { filter: false });
  const truth = plantedTruth(synth, ds);
  const model = new ComiRecSA({ items: ds.vocab.size, dim: 32, interests: 4, seqLen: 20 });
  const opt = new Adam(model.params.list(), { lr: 5e-3 });
  const rng = new Rng(2);
  for (let s = 0; s < 150; s++) {
    backward(model.loss(sampleTrainBatch(ds, rng, 64, 20), rng));
    opt.step();
    e.heap.resetArena();
  }
  const cases = evalCases(ds, 'test', 20);
  const plain = evaluateRetrieval(model, cases, { ns: [50], categories: truth.cluster });
  const sweep = diversitySweep(model, cases, truth.cluster, { lambdas: [0, 0.05, 0.25, 5] });
  assert.equal(sweep.rows[0].report.rows, plain.rows, 'λ = 0 must equal the plain merge');
  assert.ok(sweep.medianTop1 > 0 && Number.isFinite(sweep.medianTop1));
  const div = sweep.rows.map((r) => r.diversity);
  assert.ok(div[3] > div[0] + 0.05, `diversity ${div.map((d) => d.toFixed(3))}`);
  assert.is(typeof sweep.shape.recallKept90, 'boolean');
  assert.throws(() => evaluateRetrieval(model, cases, { diversity: 0.1 }), /diversity needs categories/);
});

test('categories: MovieLens movies.csv gives each movie its least frequent genre', async () => {
  const vocab = vocabOf(['1', '2', '3', '4']);
  const text = [
    'movieId,title,genres',
    '1,"Toy Story (1995)",Adventure|Animation|Comedy',
    '2,"Jumanji, the film (1995)",Adventure|Comedy',
    '3,Heat (1995),Comedy|Drama',
    '9,Not In Catalogue (1990),Horror',
    '4,Nothing (2000),(no genres listed)',
  ].join('\n');
  const c = await readItemCategories({ text, name: 'movies.csv' }, vocab);
  const name = (raw: string) => c.names[c.table[vocab.index(raw)]];
  assert.is(name('1'), 'Animation'); // Adventure 2, Animation 1, Comedy 3
  assert.is(name('2'), 'Adventure');
  assert.is(name('3'), 'Drama');
  assert.is(c.table[vocab.index('4')], -1);
  assert.is(c.table[0], -1);
  assert.is(c.uncategorised, 1);
  assert.is(c.unknownItems, 1);
});

test('categories: item,category pairs (tab or comma, optional header) and a clear error', async () => {
  const vocab = vocabOf(['a', 'b']);
  const c = await readItemCategories({ text: 'item\tcategory\na\tshoes\nb\thats\n', name: 'cats.tsv' }, vocab);
  assert.equal([c.names[c.table[vocab.index('a')]], c.names[c.table[vocab.index('b')]]], ['shoes', 'hats']);
  await readItemCategories({ text: 'a,shoes\nb\n', name: 'cats.csv' }, vocab).then(
    () => assert.unreachable('should throw'),
    (e: Error) => assert.match(e.message, /cats\.csv:2: expected "item,category"/),
  );
});

test.run();
