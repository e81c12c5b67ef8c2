// Public API of the evaluation layer: retrieval metrics (docs/protocols.md#retrieval-metrics) and their multi-N
// accumulators, tag-profile metrics (docs/protocols.md#tag-metrics), and the item → category lookup shared with the
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
export { type Projection, type ProjectionOptions, pcaProjection } from './projection.js';
