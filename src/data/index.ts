// The data layer's public face: readers (every format, gzip, any host), the events collection,
// the vocabulary, the retrieval protocols of docs/protocols.md#comirec-user-split and the synthetic generator of docs/protocols.md#synthetic-data.
export { readEvents, type ReadOptions } from './read-events.js';
export { forEachLine, sourceChunks, sourceName, type DataSource } from './read-lines.js';
export { StringTable, EventsBuilder, describeSummary, type Events, type ReadSummary } from './events.js';
export { detectFormat, type EventFormat, type Columns, type ColumnRef } from './formats.js';
export { Vocabulary, buildVocabulary, type VocabularyJSON } from './vocab.js';
export {
  prepareRetrieval, sampleTrainBatch, evalCases, casesBatch, withProfiles, profileRows,
  type ProtocolOptions, type SplitDataset, type TrainBatch, type EvalCases,
} from './protocol.js';
export { readItemCategories, type ItemCategories } from './categories-file.js';
export { leaveOneOut, LooBatches, stepsPerEpoch, type LeaveOneOut } from './leave-one-out.js';
export { generateSynthetic, serializeSynthetic, syntheticProfileFields, SYNTHETIC_PRESETS, type SyntheticConfig, type SyntheticData } from './synthetic.js';
export { writeSynthetic, SCALE_PRESETS, type SynthFormat, type SynthStreamStats } from './synthetic-stream.js';
export { buildTagSamples, type TagSampleOptions, type TagSamples, type LabelledRows } from './tag-samples.js';
