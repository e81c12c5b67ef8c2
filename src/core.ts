// mirec's public API without `init` and without a file system: every entry point re-exports it
// and adds its own `init` (index.ts: embedded kernels; index.workerd.ts: the imported .wasm
// module) and, for Node/Deno/Bun, the file system (index.node.ts, node.ts). Imports no node:
// module. Nothing runs at import time.

// Engine, tensors, autograd, ops, optimizers
export { engine, setEngine, setDebug, hasWasmSimd, Engine, type InitOptions, type BackendName, type MemoryReport } from './engine/index.js';
export type { WasmModule, WasmBytes, UrlLike, ByteStream } from './engine/web-types.js';
export { Rng, hashString } from './engine/random.js';
export { Tensor, tensor, idTensor, zeros, empty, poolTensor, type DType } from './tensor.js';
export { backward, noGrad, stopGradient, clearTape } from './autograd/tape.js';
export { gradcheck, type GradcheckOptions, type GradcheckResult } from './autograd/gradcheck.js';
export * as ops from './ops/index.js';
export { Adam, Adagrad, SGD, type AdamConfig, type AdagradConfig, type OptimizerConfig } from './optim/index.js';
export { ParamStore, type Init } from './nn/params.js';
export { sampledSoftmaxLoss, sampleNegatives, type NegativeConfig } from './loss/sampled-softmax.js';

// Retrieval models, training, evaluation, serving
export type { RetrievalBatch, RetrievalConfig, RetrievalModel, Interests } from './models/types.js';
export { callerWeights, type Explanation } from './models/explain.js';
export { MIND, type MINDConfig } from './models/mind.js';
export { ComiRecDR, type ComiRecDRConfig } from './models/comirec-dr.js';
export { ComiRecSA, type ComiRecSAConfig } from './models/comirec-sa.js';
export { SINE, covarianceLoss, type SINEConfig } from './models/sine.js';
export { YouTubeDNN, type YouTubeDNNConfig } from './models/youtube-dnn.js';
export { MostPopular } from './models/most-popular.js';
export { createModel, modelNameOfKind, RETRIEVAL_MODELS } from './models/registry.js';
export { Trainer, type TrainerOptions, type FitOptions, type TrainProgress, type TrainResult, type TrainProfile } from './train/trainer.js';
export { evaluateRetrieval, evaluateRetrievalAsync, recallAt, plantedTruth, interestRecovery, type EvaluateOptions, type EvaluateAsyncOptions, type PlantedTruth, type RecoveryReport } from './train/evaluate.js';
export { retrieve, type RetrieveOptions } from './serve/retrieve.js';
export { Recommender, type RecommendOptions, type Recommendation } from './serve/recommender.js';
export { mergeInterests, candidatePool, mergeDense, type ScoredItems, type ScoredList } from './eval/merge.js';
export { controllableAggregate, aggregatePool, type AggregateOptions } from './eval/aggregate.js';

// Tag-profile models
export { UTPM, type UTPMConfig } from './models/utpm.js';
export { MVKE, type MVKEConfig } from './models/mvke.js';
export { TwoTower } from './models/two-tower.js';
export { HardSharing } from './models/hard-sharing.js';
export { MMoE } from './models/mmoe.js';
export { PopularTags } from './models/popular-tags.js';
export { HistoryTags } from './models/history-tags.js';
export { evaluateTagModel } from './train/tag-evaluate.js';
export { trainTagModel } from './train/train-tag-model.js';
export { runTagExperiment, type TagExperimentOptions } from './train/tag-experiment.js';
export { buildTagDataset, syntheticTagDataset, movielensTagDataset, amazonTagDataset, taobaoTagDataset, readItemTagsJson, readItemTagsDelimited, type TagDataset } from './data/tag-datasets.js';

// Data, metrics, checkpoints
export * from './data/index.js';
export * from './eval/index.js';
export { encodeSafetensors, decodeSafetensors, type SafeTensor, type SafeFile } from './io/safetensors.js';
export { encodeCheckpoint, decodeCheckpoint, loadParams, loadOptimizerState, type CheckpointParts } from './io/checkpoint.js';
export { save, load, loadRecommender, loadTagProfiler, readCheckpointSource, type CheckpointSource } from './serve/save-load.js';
export { hasHostFiles } from './data/host-files.js';
export { TagProfiler } from './serve/tag-profiler.js';
export { CompactItemTable, type CompactFormat } from './serve/compact.js';
export { encodeTagCheckpoint, decodeTagCheckpoint, tagVocabOf, remapUserFields, type TagVocab } from './io/tag-checkpoint.js';
export { diversitySweep, SWEEP_LAMBDAS, type DiversitySweep, type SweepRow } from './train/diversity-sweep.js';

// Approximate retrieval at catalogue scale (IVF)
export * from './ann/index.js';
