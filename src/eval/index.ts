// Public API of the evaluation layer: retrieval metrics (evaluation.md §2) and their multi-N
// accumulators, tag-profile metrics (§4.3), and the item → category lookup shared with the
// controllable aggregation in src/serve.
export { type CategoryKey, type CategoryLookup, categoryOf, denseCategories } from './categories.js';
export {
  type RecallNumerator,
  diversityAtN,
  hitRateAtN,
  looHitRate,
  looNdcg,
  ndcgAtN,
  ndcgComiRec,
  recallAtN,
} from './retrieval-metrics.js';
export {
  type LooAtN,
  type RetrievalAccumulatorOptions,
  type RetrievalAtN,
  type RetrievalReport,
  LooAccumulator,
  RetrievalAccumulator,
} from './retrieval-accumulator.js';
export {
  type TagProfileOptions,
  type TagProfileReport,
  auc,
  coverage,
  gauc,
  precisionRecallAtK,
  TagProfileAccumulator,
  topTags,
} from './tag-metrics.js';
export { type Projection, type ProjectionOptions, pcaProjection, topEigen } from './projection.js';
