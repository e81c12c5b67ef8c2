// The eval barrel re-exports the public API and nothing internal.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as evalApi from '../../src/eval/index.js';

test('src/eval/index.ts exports the public functions and classes', () => {
  assert.equal(Object.keys(evalApi).sort(), [
    'LooAccumulator', 'RetrievalAccumulator', 'TagProfileAccumulator', 'auc', 'categoryOf', 'coverage',
    'denseCategories', 'diversityAtN', 'gauc', 'hitRateAtN', 'looHitRate', 'looNdcg', 'ndcgAtN',
    'ndcgComiRec', 'pcaProjection', 'precisionRecallAtK', 'recallAtN', 'topTags',
  ]);
  assert.is(evalApi.recallAtN([9, 5, 7, 3], [5, 9, 5, 12], 4), 0.75);
});

test.run();
