// Trainer stop/continue for hosts that must stay responsive (the studio's Web Worker): fitAsync
// awaits a promise returned by onProgress, an aborted signal ends the fit at a step boundary
// without restoring the best weights, and fitting again continues bit-identically.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { init } from '../../src/engine/load.js';
import { generateSynthetic } from '../../src/data/synthetic.js';
import { prepareRetrieval } from '../../src/data/protocol.js';
import { ComiRecSA } from '../../src/models/comirec-sa.js';
import { Trainer } from '../../src/train/trainer.js';

const ds = prepareRetrieval(generateSynthetic('tiny').events, { filter: false });
const sa = () => new ComiRecSA({ items: ds.vocab.size, dim: 16, seqLen: 20, seed: 3 });
const snapshot = (t: Trainer) => [
  ...t.model.params!.list().map((p) => Array.from(p.data)),
  ...t.optimizer.state().map((s) => Array.from(s.tensor.data)),
];
const opts = { batchSize: 32, lr: 5e-3, evalEvery: 40, maxSteps: 200, progressEvery: 10, patience: 100 };

test('fitAsync awaits onProgress promises; a stopped fit continues bit-identically', async () => {
  await init({ backend: 'wasm-simd' });
  const whole = new Trainer(sa(), ds, opts);
  const full = await whole.fitAsync({ signal: { aborted: false } });
  assert.is(full.stoppedBy, 'maxSteps');

  const ctl = new AbortController();
  let awaited = 0;
  const log: number[] = [];
  const parts = new Trainer(sa(), ds, {
    ...opts,
    onProgress: async (p) => {
      log.push(p.step);
      await new Promise((r) => setTimeout(r, 1));
      awaited++;
      if (p.step === 70) ctl.abort();
    },
  });
  const first = await parts.fitAsync({ signal: ctl.signal });
  assert.is(first.stoppedBy, 'stopped');
  assert.is(first.steps, 70);
  assert.match(first.message, /stopped at step 70/);
  assert.is(awaited, log.length, 'every progress promise was awaited before the next step');
  // The weights are those of step 70 (the best of the validation at step 40 is not restored):
  // the same 70 steps without any validation leave the same weights.
  const plain = new Trainer(sa(), ds, { ...opts, evalEvery: 1000, maxSteps: 70 });
  plain.fit();
  assert.equal(snapshot(parts), snapshot(plain));
  const second = await parts.fitAsync({ signal: new AbortController().signal });
  assert.is(second.steps, 200);
  assert.is(second.bestStep, full.bestStep);
  assert.is(second.bestRecall50, full.bestRecall50);
  assert.equal(snapshot(parts), snapshot(whole));
});

test('fit (sync) ignores the pause promises and still trains to maxSteps', async () => {
  await init({ backend: 'wasm-simd' });
  let calls = 0;
  const t = new Trainer(sa(), ds, { ...opts, maxSteps: 60, onProgress: async () => void calls++ });
  const r = t.fit();
  assert.is(r.steps, 60);
  assert.is(calls, 6 + 1);
});

test.run();
