// The cross-host probe of the consumer test: trains ComiRec-SA for 30 steps on the synthetic
// `tiny` preset through `mirec` imported by package name, then recommends for one history.
// Node, Deno, Bun and the browser bundle run this same file and must print the same list.
import { init, generateSynthetic, prepareRetrieval, ComiRecSA, Trainer, Recommender } from 'mirec';

export async function probe() {
  const engine = await init();
  const ds = prepareRetrieval(generateSynthetic('tiny', { seed: 3 }).events, { filter: false });
  const model = new ComiRecSA({ items: ds.vocab.size, dim: 16, interests: 2, seqLen: 10, seed: 1 });
  new Trainer(model, ds, { maxSteps: 30, batchSize: 32 }).fit();
  const rec = new Recommender(model, ds.vocab);
  const items = rec.recommend([ds.vocab.raw(1), ds.vocab.raw(2), ds.vocab.raw(3)], { topN: 5 });
  return { backend: engine.backend, items };
}
