// evaluateRetrievalAsync: the report of evaluateRetrieval to the bit, one event-loop turn per batch
// of users (a timer fires during it), progress per batch, and null once the signal is aborted.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { init } from '../../src/engine/load.js';
import { generateSynthetic } from '../../src/data/synthetic.js';
import { evalCases, prepareRetrieval } from '../../src/data/protocol.js';
import { ComiRecSA } from '../../src/models/comirec-sa.js';
import { evaluateRetrieval, evaluateRetrievalAsync } from '../../src/train/evaluate.js';

const ds = prepareRetrieval(generateSynthetic('tiny').events, { filter: false });
const T = 20;

test('evaluateRetrievalAsync gives the same report as evaluateRetrieval, yielding between batches', async () => {
  await init({ backend: 'wasm-simd' });
  const model = new ComiRecSA({ items: ds.vocab.size, dim: 16, seqLen: T, seed: 3 });
  const cases = evalCases(ds, 'test', T);
  assert.ok(cases.B > 3 * 4, `${cases.B} test users`);
  const sync = evaluateRetrieval(model, cases, { batchSize: 4 });
  let ticks = 0;
  const timer = setInterval(() => ticks++, 0);
  const seen: number[] = [];
  const async = await evaluateRetrievalAsync(model, cases, { batchSize: 4, onBatch: (done, total) => { assert.is(total, cases.B); seen.push(done); } });
  clearInterval(timer);
  assert.equal(async, sync);
  assert.is(seen.length, Math.ceil(cases.B / 4));
  assert.equal(seen, seen.map((_, i) => Math.min((i + 1) * 4, cases.B)));
  assert.ok(ticks > 0, 'a timer ran during the evaluation');
});

test('evaluateRetrievalAsync stops after the batch in which the signal was aborted', async () => {
  await init({ backend: 'wasm-simd' });
  const model = new ComiRecSA({ items: ds.vocab.size, dim: 16, seqLen: T, seed: 3 });
  const cases = evalCases(ds, 'test', T);
  const signal = { aborted: false };
  let batches = 0;
  const r = await evaluateRetrievalAsync(model, cases, { batchSize: 4, signal, onBatch: () => { if (++batches === 2) signal.aborted = true; } });
  assert.is(r, null);
  assert.is(batches, 2);
  assert.is(await evaluateRetrievalAsync(model, cases, { signal: { aborted: true } }), null, 'aborted before the first batch');
});

test.run();
