// Checkpoints in the worker: save writes what `mirec train --out` writes (weights, config,
// vocabulary; with the optimizer and trainer state when a trainer exists, so training resumes),
// load reads any retrieval checkpoint (a picked file or a URL) through the library's own decoder.
import { Recommender, decodeCheckpoint, modelNameOfKind, readCheckpointSource, type RetrievalModel } from '../../../../src/index.js';
import type { ModelInfo } from '../protocol.js';
import { loadCategories, sameVocabulary } from './data.js';
import { modelInfo } from './training.js';
import { isRetrieval, state } from './state.js';

export function save(): { bytes: Uint8Array; name: string } {
  const model = state.model, vocab = state.vocab;
  if (!isRetrieval(model) || !vocab) throw new Error('nothing to save: train a retrieval model (MostPopular has no weights) or open a checkpoint');
  const extra: Record<string, unknown> = { vocab: vocab.toJSON() };
  if (state.data && state.data.ds.vocab === vocab) extra.data = state.data.name;
  const bytes = state.trainer && state.trainer.model === model ? state.trainer.checkpoint(extra) : new Recommender(model, vocab).toBytes();
  const step = state.trainer && state.trainer.model === model ? `-step${state.trainer.step}` : '';
  return { bytes, name: `${state.modelName ?? 'model'}${step}.safetensors` };
}

export interface Loaded {
  info: ModelInfo;
  /** The checkpoint's model config (the page fills its settings from it, so "resume" matches). */
  config: Record<string, unknown>;
  trainerStep?: number;
}

export async function loadCheckpoint(src: { file?: Blob; url?: string; name: string }): Promise<Loaded> {
  if (state.training) throw new Error('stop training before opening a checkpoint');
  let bytes: Uint8Array, name = src.name;
  if (src.file) bytes = new Uint8Array(await src.file.arrayBuffer());
  else if (src.url) {
    if (!/^(https?|blob|data):/i.test(src.url)) throw new Error(`${src.url}: expected an http(s) URL`);
    ({ bytes, name } = await readCheckpointSource(src.url));
  } else throw new Error('no checkpoint file or URL given');
  const rec = Recommender.fromBytes(bytes, name);
  const ck = decodeCheckpoint(bytes, name);
  const model: RetrievalModel = rec.model;
  const sameData = !!state.data && sameVocabulary(rec.vocab, state.data.ds.vocab);
  state.model = model;
  state.modelName = modelNameOfKind(model.kind) ?? model.kind;
  state.vocab = sameData ? state.data!.ds.vocab : rec.vocab;
  state.trainer = undefined;
  const trainer = (ck.extra as { trainer?: { step: number } }).trainer;
  state.resumeBytes = sameData && trainer && ck.optimizer ? bytes : undefined;
  state.version++;
  if (state.categories?.file && state.categories.table.length !== state.vocab.size) await loadCategories(state.categories.file, state.categories.source);
  else if (state.categories && state.categories.table.length !== state.vocab.size) state.categories = undefined;
  return { info: modelInfo(), config: JSON.parse(JSON.stringify(model.config)) as Record<string, unknown>, trainerStep: trainer?.step };
}
