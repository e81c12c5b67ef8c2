// Writes a small checkpoint for the serving examples: ComiRec-SA trained for a few seconds on the
// built-in synthetic data (`tiny` preset), saved to the path given (default model.safetensors).
// Prints a history of item ids that exist in it, to paste into /recommend?history=...
//   node examples/train-model.mjs examples/worker/model.safetensors
import { init, generateSynthetic, prepareRetrieval, ComiRecSA, Trainer, Recommender, save } from 'mirec';

const out = process.argv[2] ?? 'model.safetensors';
await init();
const ds = prepareRetrieval(generateSynthetic('tiny', { seed: 7 }).events, { filter: false });
const model = new ComiRecSA({ items: ds.vocab.size, dim: 16, interests: 2, seqLen: 10, seed: 1 });
new Trainer(model, ds, { maxSteps: 200, batchSize: 32 }).fit();
const rec = new Recommender(model, ds.vocab);
await save(rec, out);
const history = [1, 2, 3].map((i) => ds.vocab.raw(i));
console.log(`wrote ${out}; try /recommend?history=${history.join(',')}&topN=10`);
