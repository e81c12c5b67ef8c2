// The docs/protocols.md#tag-protocol training loop on synthetic data (planted tag affinities, conversions): no NaN, early
// stopping restores the best epoch, and UTPM and MVKE beat PopularTags on AUC; the evaluation
// report has every docs/protocols.md#tag-metrics figure in range.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { init } from '../../src/engine/load.js';
import { syntheticTagDataset } from '../../src/data/tag-datasets.js';
import { buildTagModels } from '../../src/train/tag-experiment.js';
import { evaluateTagModel, trainTagModel } from '../../src/train/tag-trainer.js';

test('UTPM and MVKE beat PopularTags on AUC (synthetic tiny), without NaN', async () => {
  await init();
  const data = syntheticTagDataset('tiny');
  const aucOf = (name: 'populartags' | 'utpm' | 'mvke', jointAffine = false) => {
    const out: Record<string, number> = {};
    for (const m of buildTagModels(name, data, { utpm: { jointAffine } })) {
      const r = trainTagModel(m, data, { epochs: 12, lr: 0.01 });
      for (const e of r.epochs) assert.ok(Number.isFinite(e.loss), `${name}: loss ${e.loss} at epoch ${e.epoch}`);
      for (const t of evaluateTagModel(m, data, 'test')) {
        out[t.task] = t.auc;
        assert.ok(t.gauc >= 0 && t.gauc <= 1 && t.coverage > 0 && t.coverage <= 1, `${name} ${t.task}: ${JSON.stringify(t)}`);
        assert.equal(t.atK.map((x) => x.k), [1, 3, 5, 10]);
        for (const x of t.atK) assert.ok(x.precision >= 0 && x.precision <= 1 && x.recall >= 0 && x.recall <= 1);
        assert.is(t.groups.length, 6); // 5 clusters + global: per-group figures (≤ 8 groups)
      }
    }
    return out;
  };
  const pop = aucOf('populartags');
  const utpm = aucOf('utpm');
  const affine = aucOf('utpm', true);
  const mvke = aucOf('mvke');
  console.log(`  AUC ctr/cvr: PopularTags ${pop.ctr.toFixed(3)}/${pop.cvr.toFixed(3)}, UTPM ${utpm.ctr.toFixed(3)}/${utpm.cvr.toFixed(3)}, UTPM jointAffine ${affine.ctr.toFixed(3)}/${affine.cvr.toFixed(3)}, MVKE ${mvke.ctr.toFixed(3)}/${mvke.cvr.toFixed(3)}`);
  for (const task of ['ctr', 'cvr']) {
    assert.ok(mvke[task] > pop[task], `MVKE ${task} AUC ${mvke[task]} vs PopularTags ${pop[task]}`);
    assert.ok(affine[task] > pop[task], `UTPM (jointAffine) ${task} AUC ${affine[task]} vs PopularTags ${pop[task]}`);
  }
  // The paper form has no bias to absorb the base rate: it learns the frequent click task here;
  // on the rare conversions (a few % positive) it stays near chance on this tiny set.
  assert.ok(utpm.ctr > pop.ctr, `UTPM ctr AUC ${utpm.ctr} vs PopularTags ${pop.ctr}`);
});

test('early stopping keeps the best epoch (patience 1, at most 4 epochs)', async () => {
  await init();
  const data = syntheticTagDataset('tiny');
  const [m] = buildTagModels('mvke', data, { mvke: { dim: 8, expertHidden: 16, towerHidden: 8 } });
  const r = trainTagModel(m, data, { epochs: 4, patience: 1, lr: 0.01 });
  assert.ok(r.epochs.length <= 4 && r.bestEpoch >= 1);
  const best = r.epochs[r.bestEpoch - 1].validMean;
  assert.ok(r.epochs.every((e) => e.validMean <= best));
  assert.ok(r.rowsPerSec > 0);
});

test.run();
