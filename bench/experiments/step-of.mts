// The training step the thread experiments time: a retrieval model at the train-step bench's
// shape (50k items, D 64, K 4, T 20, B 128 batches), Adam, on a given engine, as one function.
import { setEngine } from '../../src/engine/load.js';
import { Rng } from '../../src/engine/random.js';
import { backward } from '../../src/autograd/tape.js';
import { Adam } from '../../src/optim/adam.js';
import type { Engine } from '../../src/engine/engine.js';
import type { RetrievalModel } from '../../src/models/types.js';
import { MIND } from '../../src/models/mind.js';
import { ComiRecDR } from '../../src/models/comirec-dr.js';
import { ComiRecSA } from '../../src/models/comirec-sa.js';
import { SINE } from '../../src/models/sine.js';
import { benchBatches } from '../train-step.js';

const common = { items: 50_000, dim: 64, interests: 4, seqLen: 20 };
export const STEP_MODELS: Record<string, () => RetrievalModel> = {
  SA: () => new ComiRecSA(common), MIND: () => new MIND(common), DR: () => new ComiRecDR(common), SINE: () => new SINE(common),
};

/** A model `which` (SA, MIND, DR, SINE) built on engine e; each call runs one training step. */
export function stepOf(e: Engine, which: string): () => void {
  setEngine(e);
  const model = STEP_MODELS[which]();
  const opt = new Adam(model.params.list(), { lr: 1e-3 });
  const batches = benchBatches(20);
  const rng = new Rng(9);
  let i = 0;
  return () => { backward(model.loss(batches[i++ % batches.length], rng)); opt.step(); e.heap.resetArena(); };
}
